/**
 * Every Redis key (and the pub/sub channel) that holds a job's state, under one key prefix:
 *   <prefix>:job:<id>               the record (a hash, see job-record-codec)
 *   <prefix>:job:<id>:attempts      its attempts, one field per `hop.try`
 *   <prefix>:job:<id>:events        its event stream (GET /v1/jobs/:id/events)
 *   <prefix>:active                 every unfinished job scored by deadline (the router's sweeper)
 *   <prefix>:tenant:<tenant>:jobs   a tenant's jobs scored by creation time (the listing)
 *   <prefix>:idem:<tenant>:<sha256> an Idempotency-Key's claim
 *   <prefix>:ledger:outbox          ledger rows waiting for the drainer (a stream), its :overflow
 *                                   count and its :lease (which drainer is the active one)
 *   <prefix>:job-done               the channel every job's end is announced on
 */
export interface JobKeys {
  job(id: string): string;
  attempts(id: string): string;
  events(id: string): string;
  readonly active: string;
  tenantIndex(tenant: string): string;
  /** `keyHash`: the Idempotency-Key's sha256 in hex (the key itself is the client's text). */
  idempotency(tenant: string, keyHash: string): string;
  readonly ledgerOutbox: string;
  readonly ledgerOutboxOverflow: string;
  readonly ledgerOutboxLease: string;
  readonly doneChannel: string;
}

export function jobKeys(prefix: string): JobKeys {
  return {
    job: (id) => `${prefix}:job:${id}`,
    attempts: (id) => `${prefix}:job:${id}:attempts`,
    events: (id) => `${prefix}:job:${id}:events`,
    active: `${prefix}:active`,
    tenantIndex: (tenant) => `${prefix}:tenant:${tenant}:jobs`,
    idempotency: (tenant, keyHash) => `${prefix}:idem:${tenant}:${keyHash}`,
    ledgerOutbox: `${prefix}:ledger:outbox`,
    ledgerOutboxOverflow: `${prefix}:ledger:outbox:overflow`,
    ledgerOutboxLease: `${prefix}:ledger:outbox:lease`,
    doneChannel: `${prefix}:job-done`,
  };
}
