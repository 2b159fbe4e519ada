import type { JobRecord } from '@switchyard/jobs';

type PlannedCandidate = JobRecord['plan']['candidates'][number];

/** `provider/model` at `estimated_cost_usd`, 100 output tokens: a planned candidate for specs. */
export function plannedCandidate(
  provider: string,
  model: string,
  estimated_cost_usd: number,
): PlannedCandidate {
  return { provider, model, estimated_cost_usd, max_tokens: 100 };
}

/**
 * A running job of task `reasoning` at hop 0 for the specs of the pure decisions (admission,
 * fallback): planned on `candidates` (default: openai/gpt-4o-mini alone), due 60 s after `now`.
 */
export function jobRecordFixture(
  overrides: Partial<JobRecord> = {},
  candidates: PlannedCandidate[] = [plannedCandidate('openai', 'gpt-4o-mini', 0.002)],
  now = Date.now(),
): JobRecord {
  return {
    id: 'job_1',
    tenant: 't',
    task: 'reasoning',
    status: 'running',
    request: { messages: [{ role: 'user', content: 'x' }] },
    plan: { candidates, skipped: [], estimated_input_tokens: 1, max_tokens: 100 },
    deadline_at: now + 60_000,
    cost_usd: 0,
    current_hop: 0,
    created_at: new Date(now).toISOString(),
    updated_at: new Date(now).toISOString(),
    ...overrides,
  };
}
