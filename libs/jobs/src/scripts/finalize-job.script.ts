import { defineScript } from '@switchyard/redis';
import { APPEND_LEDGER_ROW_LUA } from './ledger-outbox-append.lua';

/**
 * The one transition that ends a job (succeeded, failed or cancelled), so a job ends in exactly
 * one terminal state whoever races (finish vs. cancel, a stalled re-run vs. the router).
 * Returns 1 when this call made the job terminal, 2 when the same `finalizer` already had (a re-run
 * after a crash, which must redo its follow-ups), 0 when someone else ended the job first, -1 when
 * there is no such job.
 * - `field`/`value`: the result or the error, written with the status.
 * - `cost_usd`: the result's cost, charged here by the one transition that wins, so a result
 *   produced twice (a stalled attempt re-run while the first run was still alive) is billed once.
 * - `channel`, when not empty: the end is announced (message: the id) in the same step, which saves
 *   the finalizer a round trip when nothing else (a webhook) has to go out first.
 * - the winning transition appends the terminal event (`terminal_event`) to the job's event stream
 *   (capped at `events_max_len`, expiring after `retention_s`), so a listener never waits for the
 *   end of a job that has ended.
 * - `keep_active` = '1' leaves the job in the active index: the deadline sweeper drops it only
 *   once the end is announced, so an announcement cut short (a crash, a failed publish) is redone.
 * - attempts still marked running become failed with `abandoned_message`.
 * - `ledger_row`, when not empty, joins the ledger outbox with the winning transition (a job that
 *   ends without an attempt, a cached answer, has its row written with its end, not after it).
 */
export const FINALIZE_JOB = defineScript({
  name: 'switchyardJobFinalize',
  keys: ['job', 'active', 'attempts', 'events', 'outbox', 'outbox_overflow'],
  args: [
    'status',
    'field',
    'value',
    'finalizer',
    'now',
    'id',
    'cost_usd',
    'channel',
    'abandoned_message',
    'terminal_event',
    'events_max_len',
    'retention_s',
    'keep_active',
    'ledger_row',
    'outbox_cap',
  ],
  lua: `
local current = redis.call('HMGET', KEY.job, 'status', 'finalized_by', 'cost_usd')
local status = current[1]
if not status then return -1 end
local outcome = 1
if status == 'succeeded' or status == 'failed' or status == 'cancelled' then
  if current[2] ~= ARG.finalizer then return 0 end
  outcome = 2
else
  local fields = {'status', ARG.status, ARG.field, ARG.value, 'finished_at', ARG.now,
    'updated_at', ARG.now, 'finalized_by', ARG.finalizer}
  local cost = tonumber(ARG.cost_usd)
  if cost > 0 then
    -- Added with the transition's own write, from the cost read with the status (17 digits: the
    -- sum round-trips as the same number).
    fields[#fields + 1] = 'cost_usd'
    fields[#fields + 1] = string.format('%.17g', (tonumber(current[3]) or 0) + cost)
  end
  redis.call('HSET', KEY.job, unpack(fields))
  if ARG.keep_active ~= '1' then redis.call('ZREM', KEY.active, ARG.id) end
  -- A terminal job has only terminal attempts: one still marked running lost its process (or
  -- was overtaken by the deadline); its own outcome, should it still come, overwrites this.
  local attempts = redis.call('HGETALL', KEY.attempts)
  for i = 1, #attempts, 2 do
    local attempt = cjson.decode(attempts[i + 1])
    if attempt.status == 'running' then
      attempt.status = 'failed'
      attempt.error = { type = 'attempt_abandoned', message = ARG.abandoned_message }
      redis.call('HSET', KEY.attempts, attempts[i], cjson.encode(attempt))
    end
  end
  redis.call('XADD', KEY.events, 'MAXLEN', '~', ARG.events_max_len, '*', 'event', ARG.terminal_event,
    'data', cjson.encode({status = ARG.status}))
  redis.call('EXPIRE', KEY.events, ARG.retention_s)
${APPEND_LEDGER_ROW_LUA}
end
if ARG.channel ~= '' then redis.call('PUBLISH', ARG.channel, ARG.id) end
return outcome
`,
});
