import type { JobView } from '@switchyard/jobs';

/** A job that fell back once (openai failed, google skipped) and succeeded on anthropic. */
export function succeededView(patch: Partial<JobView['result']> = {}): JobView {
  return {
    id: 'job_1',
    status: 'succeeded',
    task: 'reasoning',
    plan: [],
    attempts: [
      {
        hop: 0,
        try: 0,
        provider: 'openai',
        model: 'gpt-4o-mini',
        status: 'failed',
        error: { type: 'overloaded', message: '503' },
        started_at: '',
      },
      {
        hop: 1,
        try: 0,
        provider: 'google',
        model: 'gemini-2.5-flash',
        status: 'skipped',
        started_at: '',
      },
      {
        hop: 1,
        try: 0,
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        status: 'succeeded',
        started_at: '',
      },
    ],
    result: {
      text: 'hello',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      model_revision: 'claude-haiku-4-5-20251001',
      finish_reason: 'stop',
      usage: { input_tokens: 10, output_tokens: 3, cached_input_tokens: 4 },
      cost_usd: 0.0001,
      latency_ms: 12,
      ...patch,
    },
    cost_usd: 0.0002,
    trace_id: 'abc',
    created_at: '2026-01-01T00:00:10.900Z',
    updated_at: '2026-01-01T00:00:11.000Z',
  };
}
