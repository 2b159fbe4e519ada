import { SwitchyardStack, type JobBody } from '@switchyard/testing';
import { EVAL_KEY } from './eval-fixtures';

const invoice = {
  task: 'extraction',
  messages: [{ role: 'user', content: 'Invoice 42 from ACME, total 99.50 EUR' }],
  response_format: {
    type: 'json_schema',
    schema: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } },
  },
};
const asEval = { authorization: `Bearer ${EVAL_KEY}` };
const submitAsEval = (stack: SwitchyardStack, body: JobBody) =>
  stack.request('POST', '/v1/jobs', body, asEval, null);

describe('pinned jobs (pin: provider/model, keys with the eval role)', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: ['openai', 'google'],
      env: { SWITCHYARD_EVAL_KEYS: `acme=${EVAL_KEY}` },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(() => stack.sim.clearFaults());

  it('refuses pin with 403 for a key without the eval role, naming the field', async () => {
    const res = await stack.submit({ ...invoice, pin: 'google/gemini-2.5-flash' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      type: 'forbidden',
      details: [{ field: 'pin', problem: 'this API key lacks the eval role' }],
    });
  });

  it('runs a pinned job on the pinned candidate only, as the eval key tenant', async () => {
    const res = await submitAsEval(stack, { ...invoice, pin: 'google/gemini-2.5-flash' });
    expect(res.status).toBe(202);
    expect(res.body.plan).toEqual([{ provider: 'google', model: 'gemini-2.5-flash' }]);
    // The eval key authenticates as tenant acme: its ordinary key reads the job.
    const job = await stack.waitForJob(res.body.id, 20_000, 'acme');
    expect(job).toMatchObject({
      status: 'succeeded',
      pin: 'google/gemini-2.5-flash',
      result: { provider: 'google', model: 'gemini-2.5-flash' },
    });
  });

  it('never falls back: the pinned candidate failing fails the job with its error type', async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 503 });
    // Control: the same job unpinned falls back to google.
    const unpinned = await stack.submit(invoice);
    const fellBack = await stack.waitForJob(unpinned.body.id, 20_000);
    expect(fellBack.result.provider).toBe('google');

    const pinned = await submitAsEval(stack, { ...invoice, pin: 'openai/gpt-4o-mini' });
    expect(pinned.status).toBe(202);
    const job = await stack.waitForJob(pinned.body.id, 20_000);
    expect(job.status).toBe('failed');
    expect(job.error.type).toBe('overloaded');
    expect(new Set(job.attempts.map((a: { provider: string }) => a.provider))).toEqual(
      new Set(['openai']),
    );
  });

  it('refuses a pin naming no model of the routing table with 422', async () => {
    const res = await submitAsEval(stack, { ...invoice, pin: 'openai/gpt-9' });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0]).toMatchObject({ field: 'pin' });
    const malformed = await submitAsEval(stack, { ...invoice, pin: 'gpt-4o-mini' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details).toEqual([
      expect.objectContaining({ field: 'pin', problem: expect.stringContaining('provider/model') }),
    ]);
  });
});
