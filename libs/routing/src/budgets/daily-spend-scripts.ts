import { RedisScript } from '@switchyard/queue';

/**
 * KEYS[1] totals hash {spent, reserved, limit, alert_threshold, alerted}, KEYS[2] a sorted set of
 * open reservation ids scored by expiry time, KEYS[3] the set of settled reservation ids. All
 * amounts are integer micro-USD. A reservation id is `<day>.<micro-USD>.<random>`, so the amount
 * travels with the id and needs no separate record.
 *
 * Every script first sweeps expired reservations (a worker that crashed between reserve and
 * settle), returning their amount to the day's headroom.
 */
const PRELUDE = `
local totals, reservations, settled = KEYS[1], KEYS[2], KEYS[3]
local function amount_of(id)
  return tonumber(string.match(id, '^[^.]*%.(%d+)%.')) or 0
end
local function read(field)
  return tonumber(redis.call('HGET', totals, field) or '0') or 0
end
local function sweep(now)
  local expired = redis.call('ZRANGEBYSCORE', reservations, '-inf', now)
  if #expired == 0 then return end
  local freed = 0
  for _, id in ipairs(expired) do freed = freed + amount_of(id) end
  redis.call('ZREMRANGEBYSCORE', reservations, '-inf', now)
  redis.call('HINCRBY', totals, 'reserved', -freed)
end
-- On settled spend only: a worst-case reservation says nothing about what the day really cost.
local function maybe_alert()
  local threshold = tonumber(redis.call('HGET', totals, 'alert_threshold') or '-1') or -1
  if threshold < 0 then return 0 end
  if read('spent') < threshold then return 0 end
  return redis.call('HSETNX', totals, 'alerted', '1')
end
local function keep_until(at)
  for _, key in ipairs(KEYS) do redis.call('PEXPIREAT', key, at) end
end
`;

/** ARGV: now, id, amount, limit (-1 none), alert threshold (-1 none), expires_at, keep_until */
export const RESERVE_SCRIPT = new RedisScript(
  'switchyardSpendReserve',
  `${PRELUDE}
local now, id, amount = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local limit, threshold = tonumber(ARGV[4]), tonumber(ARGV[5])
sweep(now)
local spent, reserved = read('spent'), read('reserved')
if limit >= 0 and spent + reserved + amount > limit then
  return {0, spent, reserved, 0}
end
redis.call('ZADD', reservations, ARGV[6], id)
redis.call('HINCRBY', totals, 'reserved', amount)
redis.call('HSET', totals, 'limit', limit, 'alert_threshold', threshold)
keep_until(ARGV[7])
return {1, spent, reserved + amount, 0}
`,
  3,
);

/** ARGV: now, id, actual amount, keep_until. Returns {1 if billed now (0 if already settled), spent, reserved, alert}. */
export const SETTLE_SCRIPT = new RedisScript(
  'switchyardSpendSettle',
  `${PRELUDE}
local now, id, actual = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
sweep(now)
if redis.call('SISMEMBER', settled, id) == 1 then
  return {0, read('spent'), read('reserved'), 0}
end
if redis.call('ZREM', reservations, id) == 1 then
  redis.call('HINCRBY', totals, 'reserved', -amount_of(id))
end
redis.call('HINCRBY', totals, 'spent', actual)
redis.call('SADD', settled, id)
local alert = maybe_alert()
keep_until(ARGV[4])
return {1, read('spent'), read('reserved'), alert}
`,
  3,
);

/** ARGV: now, id. Returns {1 if the reservation was open, spent, reserved}. */
export const RELEASE_SCRIPT = new RedisScript(
  'switchyardSpendRelease',
  `${PRELUDE}
local now, id = tonumber(ARGV[1]), ARGV[2]
sweep(now)
local released = 0
if redis.call('ZREM', reservations, id) == 1 then
  redis.call('HINCRBY', totals, 'reserved', -amount_of(id))
  released = 1
end
return {released, read('spent'), read('reserved')}
`,
  3,
);

/** ARGV: now. Returns {spent, reserved, limit (-1 unknown)}. */
export const SNAPSHOT_SCRIPT = new RedisScript(
  'switchyardSpendSnapshot',
  `${PRELUDE}
sweep(tonumber(ARGV[1]))
return {read('spent'), read('reserved'), tonumber(redis.call('HGET', totals, 'limit') or '-1') or -1}
`,
  3,
);
