import { defineScript } from '@switchyard/redis';

/**
 * A ledger is three keys: `totals`, a hash {spent, reserved, limit, alert_threshold, alerted};
 * `reservations`, a sorted set of open reservation ids scored by expiry time; `settled`, the set
 * of settled reservation ids. All
 * amounts are integer micro-USD. A reservation id is `<day>.<micro-USD>.<random>`, so the amount
 * travels with the id and needs no separate record.
 *
 * Every script first sweeps expired reservations (a worker that crashed between reserve and
 * settle), returning their amount to the day's headroom.
 */
const PRELUDE = `
local totals, reservations, settled
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
`;

/**
 * The reserve, settle and release scripts work on two ledgers at once, `task_*` (the task's day
 * for this tenant) and `tenant_*` (the tenant's day over all tasks), each laid out as above: a
 * call fits only if it fits both, and one reservation id holds (and bills) both.
 */
const TWO_LEDGER_KEYS = [
  'task_totals',
  'task_reservations',
  'task_settled',
  'tenant_totals',
  'tenant_reservations',
  'tenant_settled',
] as const;

const LEDGERS = `
local ledgers = {
  {KEY.task_totals, KEY.task_reservations, KEY.task_settled},
  {KEY.tenant_totals, KEY.tenant_reservations, KEY.tenant_settled},
}
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
 * Reserves `amount` on both ledgers until `expires_at`; per ledger a limit and an alert threshold
 * (-1: none). Returns {1, 0, 0, 0} when reserved on both, else {0, the ledger (1 task, 2 tenant)
 * that cannot take it, its spent, its reserved}: nothing is reserved on either then.
 */
export const RESERVE_SCRIPT = defineScript({
  name: 'switchyardSpendReserve2',
  keys: TWO_LEDGER_KEYS,
  args: [
    'now',
    'id',
    'amount',
    'expires_at',
    'keep_until',
    'task_limit',
    'task_alert_threshold',
    'tenant_limit',
    'tenant_alert_threshold',
  ],
  lua: `${PRELUDE}${LEDGERS}
local now, id, amount = tonumber(ARG.now), ARG.id, tonumber(ARG.amount)
local limits = {
  {ARG.task_limit, ARG.task_alert_threshold},
  {ARG.tenant_limit, ARG.tenant_alert_threshold},
}
for i, ledger in ipairs(ledgers) do
  use(ledger)
  sweep(now)
  local limit = tonumber(limits[i][1])
  local spent, reserved = read('spent'), read('reserved')
  if limit >= 0 and spent + reserved + amount > limit then
    return {0, i, spent, reserved}
  end
end
for i, ledger in ipairs(ledgers) do
  use(ledger)
  redis.call('ZADD', reservations, ARG.expires_at, id)
  redis.call('HINCRBY', totals, 'reserved', amount)
  redis.call('HSET', totals, 'limit', limits[i][1], 'alert_threshold', limits[i][2])
  keep_ledger_until(ARG.keep_until)
end
return {1, 0, 0, 0}
`,
});

/**
 * Bills the `actual` amount of reservation `id` on both ledgers, once. Returns per ledger {1 if
 * billed now (0 if already settled), spent, reserved, alert}, the task's four then the tenant's.
 */
export const SETTLE_SCRIPT = defineScript({
  name: 'switchyardSpendSettle2',
  keys: TWO_LEDGER_KEYS,
  args: ['now', 'id', 'actual', 'keep_until'],
  lua: `${PRELUDE}${LEDGERS}
local now, id, actual = tonumber(ARG.now), ARG.id, tonumber(ARG.actual)
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
    keep_ledger_until(ARG.keep_until)
    billed = 1
  end
  for _, v in ipairs({billed, read('spent'), read('reserved'), alert}) do table.insert(reply, v) end
end
return reply
`,
});

/** Returns reservation `id` to both ledgers: {1 if it was open on the task's ledger, 0 otherwise}. */
export const RELEASE_SCRIPT = defineScript({
  name: 'switchyardSpendRelease2',
  keys: TWO_LEDGER_KEYS,
  args: ['now', 'id'],
  lua: `${PRELUDE}${LEDGERS}
local now, id = tonumber(ARG.now), ARG.id
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
});

/** One ledger's day: {spent, reserved, limit (-1 unknown)}. */
export const SNAPSHOT_SCRIPT = defineScript({
  name: 'switchyardSpendSnapshot',
  keys: ['totals', 'reservations', 'settled'],
  args: ['now'],
  lua: `${PRELUDE}
totals, reservations, settled = KEY.totals, KEY.reservations, KEY.settled
sweep(tonumber(ARG.now))
return {read('spent'), read('reserved'), tonumber(redis.call('HGET', totals, 'limit') or '-1') or -1}
`,
});
