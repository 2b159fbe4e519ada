import type { FaultRule } from '@switchyard/simulator';
import { SwitchyardStack } from '@switchyard/testing';
import { reasoning, resetCircuits, simCalls } from './resilience-support';

/** Every provider's timeout_ms in this suite's routing table. */
const TIMEOUT_MS = 1500;

/**
 * Issue 5, guarantee 5: a provider that hangs, resets the connection or answers garbage costs each
 * attempt at most the provider's timeout; after the task's retries the job falls back and succeeds
 * there. And the errors that no other provider would answer differently (bad_request,
 * content_filtered) fail the job at once, without a fallback.
 */
describe('misbehaving providers cost at most their timeout, then the job falls back', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      // No google worker: a job that went past anthropic would never end, and fail the test.
      providers: ['openai', 'anthropic'],
      env: { TEST_PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS) },
    });
  });

  afterEach(async () => {
    if (!stack) return;
    stack.sim.clearFaults();
    stack.sim.resetStats();
    // Each case fails openai twice; the breaker must not carry that into the next case.
    await resetCircuits(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const cases: Array<[string, FaultRule, string]> = [
    ['hangs (never answers)', { provider: 'openai', hang: true }, 'timeout'],
    ['answers slower than its timeout', { provider: 'openai', latency_ms: 60_000 }, 'timeout'],
    ['resets the connection', { provider: 'openai', reset: true }, 'network'],
    [
      'answers 200 with the wrong shape',
      { provider: 'openai', malformed: 'shape' },
      'malformed_response',
    ],
    [
      'answers 200 with a body cut mid-JSON',
      { provider: 'openai', malformed: 'not_json' },
      'malformed_response',
    ],
  ];

  it.each(cases)(
    'a primary that %s: each try ends within the timeout, then the job succeeds on the fallback',
    async (_what, fault, errorType) => {
      stack.sim.addFault(fault);
      const submitted = await stack.submit(reasoning(`fault ${errorType}`));
      expect(submitted.status).toBe(202);
      const job = await stack.waitForJob(submitted.body.id, 60_000);

      expect(job.status).toBe('succeeded');
      expect(job.result).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
      // The task's two tries on openai, then hop 1 on anthropic.
      expect(job.attempts).toEqual([
        expect.objectContaining({ hop: 0, try: 0, provider: 'openai', status: 'failed' }),
        expect.objectContaining({ hop: 0, try: 1, provider: 'openai', status: 'failed' }),
        expect.objectContaining({ hop: 1, try: 0, provider: 'anthropic', status: 'succeeded' }),
      ]);
      for (const attempt of job.attempts.slice(0, 2)) {
        expect(attempt.error.type).toBe(errorType);
        // Bounded by the timeout, not by the provider: a hang would otherwise last until the
        // job's deadline (30 s). The margin only absorbs a busy machine.
        expect(attempt.latency_ms).toBeLessThan(2 * TIMEOUT_MS);
      }
      expect(simCalls(stack, 'openai')).toBe(2);
      expect(simCalls(stack, 'anthropic')).toBe(1);
      expect(simCalls(stack, 'google')).toBe(0);
    },
  );

  const final: Array<[string, FaultRule, string]> = [
    ['bad_request (400)', { provider: 'openai', error_rate: 1, status: 400 }, 'bad_request'],
    ['content_filtered', { provider: 'openai', content_filter: true }, 'content_filtered'],
  ];

  it.each(final)(
    '%s does not fall back: the job fails with it after one attempt',
    async (_what, fault, errorType) => {
      stack.sim.addFault(fault);
      const submitted = await stack.submit(reasoning(`final ${errorType}`));
      const job = await stack.waitForJob(submitted.body.id);

      expect(job.status).toBe('failed');
      expect(job.error.type).toBe(errorType);
      expect(job.result).toBeUndefined();
      expect(job.attempts).toEqual([
        expect.objectContaining({
          hop: 0,
          try: 0,
          provider: 'openai',
          status: 'failed',
          error: expect.objectContaining({ type: errorType }),
        }),
      ]);
      expect(simCalls(stack, 'openai')).toBe(1);
      expect(simCalls(stack, 'anthropic')).toBe(0);
      expect(simCalls(stack, 'google')).toBe(0);
    },
  );
});
