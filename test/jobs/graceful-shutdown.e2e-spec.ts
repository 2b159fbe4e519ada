import { SwitchyardStack } from '@switchyard/testing';

describe('SIGTERM on a worker (a rollout): calls in flight finish, then the process exits', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({ providers: ['openai'] });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('finishes the call it is making and the job succeeds on that provider', async () => {
    stack.sim.addFault({ provider: 'openai', latency_ms: 2000 });
    const submitted = await stack.submit({
      task: 'reasoning',
      messages: [{ role: 'user', content: 'slow one' }],
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const job = await stack.request('GET', `/v1/jobs/${submitted.body.id}`);
      if (job.body.attempts?.some((a: { status: string }) => a.status === 'running')) break;
      if (Date.now() > deadline) throw new Error('the attempt never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    const worker = stack.process('worker-openai');
    await worker.stop('SIGTERM', 30_000);
    expect(worker.exitSignal === 'SIGTERM' || worker.exitCode === 0).toBe(true);

    const job = await stack.waitForJob(submitted.body.id);
    expect(job.status).toBe('succeeded');
    expect(job.result.provider).toBe('openai');
    expect(job.attempts).toHaveLength(1);
  });
});
