import { jobKeys } from './job-keys';

describe('jobKeys', () => {
  const keys = jobKeys('sy');

  it('names every key of a job under the prefix, as stored since the first release', () => {
    expect(keys.job('j1')).toBe('sy:job:j1');
    expect(keys.attempts('j1')).toBe('sy:job:j1:attempts');
    expect(keys.events('j1')).toBe('sy:job:j1:events');
    expect(keys.active).toBe('sy:active');
    expect(keys.tenantIndex('acme')).toBe('sy:tenant:acme:jobs');
    expect(keys.idempotency('acme', 'ab12')).toBe('sy:idem:acme:ab12');
    expect(keys.ledgerOutbox).toBe('sy:ledger:outbox');
    expect(keys.ledgerOutboxOverflow).toBe('sy:ledger:outbox:overflow');
    expect(keys.ledgerOutboxLease).toBe('sy:ledger:outbox:lease');
    expect(keys.doneChannel).toBe('sy:job-done');
  });
});
