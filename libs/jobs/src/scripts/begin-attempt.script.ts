import { defineScript } from '@switchyard/redis';

/**
 * queued -> running on the first attempt; returns the whole record (after the transition), so an
 * attempt learns in one round trip both what to run and whether its hop may still run. An empty
 * reply: no such job. The record is read first and the reply patched with what the transition
 * wrote, which spares reading the status on its own.
 */
export const BEGIN_ATTEMPT = defineScript({
  name: 'switchyardJobBeginAttempt',
  keys: ['job'],
  args: ['now'],
  lua: `
local record = redis.call('HGETALL', KEY.job)
local status
for i = 1, #record, 2 do
  if record[i] == 'status' then status = record[i + 1] end
end
if not status then return {} end
if status == 'queued' then
  redis.call('HSET', KEY.job, 'status', 'running', 'started_at', ARG.now, 'updated_at', ARG.now)
  local written = {status = 'running', started_at = ARG.now, updated_at = ARG.now}
  for i = 1, #record, 2 do
    local value = written[record[i]]
    if value then
      record[i + 1] = value
      written[record[i]] = nil
    end
  end
  for field, value in pairs(written) do
    record[#record + 1] = field
    record[#record + 1] = value
  end
end
return record
`,
});
