import { defineScript } from '@switchyard/redis';

/**
 * Moves the job's current hop forward (never back). Returns 1 when the job may go on, 0 when it
 * already ended (nothing should be enqueued for it), -1 when there is no such job.
 */
export const ADVANCE_HOP = defineScript({
  name: 'switchyardJobAdvanceHop',
  keys: ['job'],
  args: ['hop', 'now'],
  lua: `
local status = redis.call('HGET', KEY.job, 'status')
if not status then return -1 end
if status == 'succeeded' or status == 'failed' or status == 'cancelled' then return 0 end
local hop = tonumber(redis.call('HGET', KEY.job, 'current_hop') or '0')
if hop < tonumber(ARG.hop) then
  redis.call('HSET', KEY.job, 'current_hop', ARG.hop, 'updated_at', ARG.now)
end
return 1
`,
});
