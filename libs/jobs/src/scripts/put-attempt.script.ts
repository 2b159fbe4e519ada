import { defineScript } from '@switchyard/redis';
import { APPEND_LEDGER_ROW_LUA } from './ledger-outbox-append.lua';

/**
 * Writes one attempt record (field `hop.try` of the attempts hash) in one command instead of
 * MULTI/HSET/EXPIRE/EXEC: attempt records are written twice per attempt.
 * A record is not written when it can only be stale: a `running` mark (`running` = '1') for a job
 * that already ended (the deadline sweeper or a cancel got there first), or an outcome other than
 * success over a hop.try that succeeded (two processes ran the same try after a lock lapsed; the
 * job's result is the success, so its record must stay).
 * `ledger_row`, when not empty, joins the ledger outbox in this same step, so no crash can leave an
 * ended attempt without its row waiting to be stored. A full outbox (`outbox_cap` entries) refuses
 * the row and counts it. Returns 1 when written, 0 when not.
 */
export const PUT_ATTEMPT = defineScript({
  name: 'switchyardJobPutAttempt',
  keys: ['attempts', 'job', 'outbox', 'outbox_overflow'],
  args: ['hop_try', 'record', 'retention_s', 'running', 'status', 'ledger_row', 'outbox_cap'],
  lua: `
if ARG.running == '1' then
  local status = redis.call('HGET', KEY.job, 'status')
  if status == 'succeeded' or status == 'failed' or status == 'cancelled' then return 0 end
end
if ARG.status ~= 'succeeded' then
  local current = redis.call('HGET', KEY.attempts, ARG.hop_try)
  if current and cjson.decode(current).status == 'succeeded' then return 0 end
end
-- The expiry is set with a try's first record; its outcome, overwriting the running mark moments
-- later, leaves it (an attempt lasts far less than the retention).
if redis.call('HSET', KEY.attempts, ARG.hop_try, ARG.record) == 1 then
  redis.call('EXPIRE', KEY.attempts, ARG.retention_s)
end
${APPEND_LEDGER_ROW_LUA}
return 1
`,
});
