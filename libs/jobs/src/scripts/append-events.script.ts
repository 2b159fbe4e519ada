import { defineScript } from '@switchyard/redis';

/**
 * Every entry of one batch in one command: XADD each (the tail is event, data pairs), then, when
 * `refresh_expiry` is '1', the stream's expiry.
 */
export const APPEND_EVENTS = defineScript({
  name: 'switchyardJobEventsAppend',
  keys: ['events'],
  args: ['max_len', 'retention_s', 'refresh_expiry'],
  rest: 'event_data_pairs',
  lua: `
for i = REST_FROM, #ARGV, 2 do
  redis.call('XADD', KEY.events, 'MAXLEN', '~', ARG.max_len, '*', 'event', ARGV[i], 'data', ARGV[i + 1])
end
if ARG.refresh_expiry == '1' then redis.call('EXPIRE', KEY.events, ARG.retention_s) end
`,
});
