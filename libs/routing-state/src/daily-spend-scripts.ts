import { RedisScript } from '@switchyard/redis';

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

/**
 * The reserve, settle and release scripts work on two ledgers at once, KEYS[1..3] and KEYS[4..6]
 * (the task's day for this tenant, and the tenant's day over all tasks), each laid out as above:
 * a call fits only if it fits both, and one reservation id holds (and bills) both.
 */
const LEDGERS = `
local ledgers = { {KEYS[1], KEYS[2], KEYS[3]}, {KEYS[4], KEYS[5], KEYS[6]} }
local function use(ledger)
  totals, reservations, settled = ledger[1], ledger[2], ledger[3]
end
local function keep_ledger_until(at)
  redis.call('PEXPIREAT', totals, at)
  redis.call('PEXPIREAT', reservations, at)
  redis.call('PEXPIREAT', settled, at)
end
`;

/**
 * ARGV: now, id, amount, expires_at, keep_until, then per ledger: limit (-1 none), alert threshold
 * (-1 none). Returns {1, 0, 0, 0} when reserved on both, else {0, the ledger (1 task, 2 tenant)
 * that cannot take it, its spent, its reserved}: nothing is reserved on either then.
 */
export const RESERVE_SCRIPT = new RedisScript(
  'switchyardSpendReserve2',
  `${PRELUDE}${LEDGERS}
local now, id, amount = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
for i, ledger in ipairs(ledgers) do
  use(ledger)
  sweep(now)
  local limit = tonumber(ARGV[4 + i * 2])
  local spent, reserved = read('spent'), read('reserved')
  if limit >= 0 and spent + reserved + amount > limit then
    return {0, i, spent, reserved}
  end
end
for i, ledger in ipairs(ledgers) do
  use(ledger)
  redis.call('ZADD', reservations, ARGV[4], id)
  redis.call('HINCRBY', totals, 'reserved', amount)
  redis.call('HSET', totals, 'limit', ARGV[4 + i * 2], 'alert_threshold', ARGV[5 + i * 2])
  keep_ledger_until(ARGV[5])
end
return {1, 0, 0, 0}
`,
  6,
);

/**
 * ARGV: now, id, actual amount, keep_until. Returns per ledger {1 if billed now (0 if already
 * settled), spent, reserved, alert}, the task's four then the tenant's.
 */
export const SETTLE_SCRIPT = new RedisScript(
  'switchyardSpendSettle2',
  `${PRELUDE}${LEDGERS}
local now, id, actual = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local reply = {}
for _, ledger in ipairs(ledgers) do
  use(ledger)
  sweep(now)
  local billed, alert = 0, 0
  if redis.call('SISMEMBER', settled, id) == 0 then
    if redis.call('ZREM', reservations, id) == 1 then
      redis.call('HINCRBY', totals, 'reserved', -amount_of(id))
    end
    redis.call('HINCRBY', totals, 'spent', actual)
    redis.call('SADD', settled, id)
    alert = maybe_alert()
    keep_ledger_until(ARGV[4])
    billed = 1
  end
  for _, v in ipairs({billed, read('spent'), read('reserved'), alert}) do table.insert(reply, v) end
end
return reply
`,
  6,
);

/** ARGV: now, id. Returns {1 if the reservation was open on the task's ledger, 0 otherwise}. */
export const RELEASE_SCRIPT = new RedisScript(
  'switchyardSpendRelease2',
  `${PRELUDE}${LEDGERS}
local now, id = tonumber(ARGV[1]), ARGV[2]
local released = {}
for i, ledger in ipairs(ledgers) do
  use(ledger)
  sweep(now)
  released[i] = 0
  if redis.call('ZREM', reservations, id) == 1 then
    redis.call('HINCRBY', totals, 'reserved', -amount_of(id))
    released[i] = 1
  end
end
return {released[1]}
`,
  6,
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
