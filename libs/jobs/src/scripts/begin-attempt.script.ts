import { defineScript } from '@switchyard/redis';

/**
 * queued -> running on the first attempt; returns the whole record (after the transition), so an
 * attempt learns in one round trip both what to run and whether its hop may still run. An empty
 * reply: no such job.
 */
export const BEGIN_ATTEMPT = defineScript({
  name: 'switchyardJobBeginAttempt',
  keys: ['job'],
  args: ['now'],
  lua: `
local status = redis.call('HGET', KEY.job, 'status')
if not status then return {} end
if status == 'queued' then
  redis.call('HSET', KEY.job, 'status', 'running', 'started_at', ARG.now, 'updated_at', ARG.now)
end
return redis.call('HGETALL', KEY.job)
`,
});
