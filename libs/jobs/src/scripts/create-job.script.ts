import { defineScript } from '@switchyard/redis';

/**
 * Create-if-absent in one step: of two requests racing with one Idempotency-Key only the first
 * writes the job; a later write must never reset a job that already ran back to queued.
 * The record's field/value pairs are the variadic tail. Returns 1 when written, 0 when it existed.
 */
export const CREATE_JOB = defineScript({
  name: 'switchyardJobCreate',
  keys: ['job', 'tenant_index', 'active'],
  args: ['retention_s', 'created_ms', 'index_cutoff_ms', 'deadline_ms', 'id'],
  rest: 'fields',
  lua: `
if redis.call('EXISTS', KEY.job) == 1 then return 0 end
redis.call('HSET', KEY.job, unpack(ARGV, REST_FROM))
redis.call('EXPIRE', KEY.job, ARG.retention_s)
redis.call('ZADD', KEY.tenant_index, ARG.created_ms, ARG.id)
redis.call('ZREMRANGEBYSCORE', KEY.tenant_index, '-inf', ARG.index_cutoff_ms)
-- The index lives as long as its newest job: a tenant that goes quiet leaves nothing behind.
redis.call('EXPIRE', KEY.tenant_index, ARG.retention_s)
redis.call('ZADD', KEY.active, ARG.deadline_ms, ARG.id)
return 1
`,
});
