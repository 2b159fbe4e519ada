import { jobRecordFixture, plannedCandidate } from '@switchyard/testing';
import { fallbackSnapshotOf } from './router-job-data';

describe('fallbackSnapshotOf', () => {
  const candidates = [
    plannedCandidate('openai', 'gpt-4o-mini', 0.001),
    plannedCandidate('anthropic', 'claude-haiku-4-5', 0.004),
  ];

  it("carries the job's routing fields with the attempt's cost charged, and nothing of the request", () => {
    const job = jobRecordFixture(
      { cost_usd: 0.0005, max_cost_usd: 0.01, pin: undefined, current_hop: 1 },
      candidates,
    );
    const snapshot = fallbackSnapshotOf(job, 0.0002);
    expect(snapshot).toEqual({
      id: job.id,
      tenant: job.tenant,
      task: job.task,
      deadline_at: job.deadline_at,
      max_cost_usd: 0.01,
      cost_usd: 0.0007,
      plan: { candidates },
    });
    expect(JSON.stringify(snapshot)).not.toContain(JSON.stringify(job.request.messages));
  });

  it('keeps a pin and leaves out a budget the job does not have', () => {
    const job = jobRecordFixture(
      { pin: 'openai/gpt-4o-mini', max_cost_usd: undefined },
      candidates,
    );
    const snapshot = fallbackSnapshotOf(job);
    expect(snapshot.pin).toBe('openai/gpt-4o-mini');
    expect(snapshot.cost_usd).toBe(job.cost_usd);
    expect('max_cost_usd' in snapshot).toBe(false);
  });
});
