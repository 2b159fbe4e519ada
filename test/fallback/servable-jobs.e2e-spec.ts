import { SwitchyardStack } from '@switchyard/testing';
import { reasoning, resetCircuits, simCalls } from '../resilience/resilience-support';

/**
 * Issue 13: never fail a job that a fallback (or the model itself, asked right) could serve.
 */
describe('jobs a candidate can serve do not fail', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({ providers: ['openai', 'anthropic', 'google'] });
  });

  afterEach(async () => {
    if (!stack) return;
    stack.sim.clearFaults();
    stack.sim.resetStats();
    await resetCircuits(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const circuitOf = async (id: string) => {
    const res = await stack.request('GET', '/v1/providers');
    const models = res.body.providers.flatMap(
      (p: { name: string; circuit: unknown; models: Array<{ id: string; circuit: unknown }> }) => [
        { id: p.name, circuit: p.circuit },
        ...p.models,
      ],
    );
    return models.find((m: { id: string }) => m.id === id)?.circuit;
  };

  // Item 8: a model the provider no longer knows (retired or renamed) answers 404 in each
  // provider's own words. That is no fault of the request: the job moves on to the next model at
  // once, and the failure counts against that model's circuit only.
  it.each([
    ['openai', 'gpt-4o-mini', 'anthropic'],
    ['anthropic', 'claude-haiku-4-5', 'google'],
  ])(
    'a %s model answering "model not found" fails over without a retry and counts against the model only',
    async (provider, model, servedBy) => {
      stack.sim.addFault({ provider: 'openai', model: 'gpt-4o-mini', retired: true });
      if (provider === 'anthropic') {
        stack.sim.addFault({ provider: 'anthropic', model: 'claude-haiku-4-5', retired: true });
      }
      const submitted = await stack.submit(reasoning(`retired ${provider}`));
      expect(submitted.status).toBe(202);
      const job = await stack.waitForJob(submitted.body.id);

      expect(job.status).toBe('succeeded');
      expect(job.result.provider).toBe(servedBy);
      const failed = job.attempts.filter((a: { status: string }) => a.status === 'failed');
      // One call per retired model: retrying a model that is gone cannot help.
      expect(failed.every((a: any) => a.error.type === 'model_not_found')).toBe(true);
      expect(failed.map((a: { provider: string }) => a.provider)).toEqual(
        provider === 'openai' ? ['openai'] : ['openai', 'anthropic'],
      );
      expect(simCalls(stack, provider)).toBe(1);

      expect(await circuitOf(`${provider}/${model}`)).toMatchObject({ consecutive_failures: 1 });
      expect(await circuitOf(provider)).toMatchObject({ consecutive_failures: 0, calls: 0 });
    },
  );

  // Item 9: a max_tokens above a model's output limit is capped for that model, not refused.
  it("a max_tokens above the model's output limit is capped at it, priced with the cap, and served", async () => {
    const submitted = await stack.submit(reasoning('long answer please', { max_tokens: 200_000 }));
    expect(submitted.status).toBe(202);
    // gpt-4o-mini writes at most 16 384 tokens: $0.0098 of output fits the $0.05 budget (200 000
    // would not). The fallbacks' own caps (64 000, 65 536) still price them out of it.
    expect(submitted.body.plan).toEqual([{ provider: 'openai', model: 'gpt-4o-mini' }]);
    const job = await stack.waitForJob(submitted.body.id);
    expect(job.status).toBe('succeeded');
    const sent = stack.sim
      .requests('openai')
      .map((r) => r.body as { max_completion_tokens?: number });
    expect(sent.at(-1)?.max_completion_tokens).toBe(16_384);
  });

  // Item 10: images that pass the ingress and would fail at an adapter or provider.
  const heicImage = { type: 'image', data: 'AAAAGGZ0eXBoZWlj', mime_type: 'image/heic' };

  it('a HEIC image skips the providers that refuse HEIC and is served by one that takes it', async () => {
    const body = {
      task: 'reasoning',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'what is in this photo?' }, heicImage] },
      ],
    };
    const explained = await stack.request('POST', '/v1/routes/reasoning/plan', body);
    expect(explained.status).toBe(200);
    expect(explained.body.skipped).toEqual([
      expect.objectContaining({ id: 'openai/gpt-4o-mini', reason: 'unsupported_image_type' }),
      expect.objectContaining({
        id: 'anthropic/claude-haiku-4-5',
        reason: 'unsupported_image_type',
      }),
    ]);

    const submitted = await stack.submit(body);
    expect(submitted.status).toBe(202);
    expect(submitted.body.plan).toEqual([{ provider: 'google', model: 'gemini-2.5-flash' }]);
    const job = await stack.waitForJob(submitted.body.id);
    expect(job.status).toBe('succeeded');
    expect(job.attempts).toEqual([
      expect.objectContaining({ provider: 'google', status: 'succeeded' }),
    ]);
  });

  it.each(['system', 'assistant'])(
    'an image in a %s message is refused at submission, naming the part',
    async (role) => {
      const submitted = await stack.submit({
        task: 'reasoning',
        messages: [
          { role, content: [{ type: 'text', text: 'context' }, heicImage] },
          { role: 'user', content: 'hello' },
        ],
      });
      expect(submitted.status).toBe(400);
      expect(submitted.body.error.details).toEqual([
        {
          field: 'messages[0].content[1]',
          problem: `images are only accepted in user messages, not in ${role} messages`,
        },
      ]);
      expect(simCalls(stack, 'openai') + simCalls(stack, 'anthropic')).toBe(0);
    },
  );
});
