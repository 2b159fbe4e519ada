import { SwitchyardStack, WebhookTestReceiver } from '@switchyard/testing';

const hello = { task: 'reasoning', messages: [{ role: 'user', content: 'hello webhooks' }] };

async function until<T>(
  read: () => T,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('completion webhooks through the job API (separate processes, dispatcher included)', () => {
  let stack: SwitchyardStack;
  let receiver: WebhookTestReceiver;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({ dispatcher: true, providers: ['openai', 'anthropic'] });
    receiver = new WebhookTestReceiver(stack.webhookSecret);
    await receiver.listen();
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('signs job.succeeded per Standard Webhooks, retries 500s with the same webhook-id, and shows the delivery on the job', async () => {
    receiver.script('/hook', [500, 500, 200]);
    const submitted = await stack.submit({ ...hello, webhook_url: receiver.url('/hook') });
    expect(submitted.status).toBe(202);
    const deliveries = await until(
      () => receiver.requestsTo('/hook'),
      (r) => r.length >= 3,
      'three delivery attempts',
    );
    expect(deliveries.every((d) => d.verified)).toBe(true);
    expect(new Set(deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    const event = JSON.parse(deliveries[2].rawBody);
    expect(event.type).toBe('job.succeeded');
    expect(event.data).toMatchObject({ id: submitted.body.id, status: 'succeeded' });
    expect(event.data.result.model_revision).toBe('gpt-4o-mini-2024-07-18');

    const job = await until(
      () => stack.request('GET', `/v1/jobs/${submitted.body.id}`),
      () => true,
      'job',
    ).then((p) => p);
    const view = (await job).body;
    expect(view.webhook).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200 });

    const redelivered = await stack.request(
      'POST',
      `/v1/jobs/${submitted.body.id}/webhook/redeliver`,
    );
    expect(redelivered.status).toBe(202);
    const after = await until(
      () => receiver.requestsTo('/hook'),
      (r) => r.length >= 4,
      'redelivery',
    );
    expect(after[3].headers['webhook-id']).toBe(deliveries[0].headers['webhook-id']);
    expect(after[3].verified).toBe(true);
  });

  it('sends job.failed when the job fails, and stops for good on 410', async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 400 });
    try {
      receiver.script('/gone', [410]);
      const submitted = await stack.submit({ ...hello, webhook_url: receiver.url('/gone') });
      const job = await stack.waitForJob(submitted.body.id);
      expect(job.status).toBe('failed');
      expect(job.error.type).toBe('bad_request');
      const first = await until(
        () => receiver.requestsTo('/gone'),
        (r) => r.length >= 1,
        'job.failed',
      );
      expect(JSON.parse(first[0].rawBody).type).toBe('job.failed');
      await new Promise((r) => setTimeout(r, 1500));
      expect(receiver.requestsTo('/gone')).toHaveLength(1);
      const view = await stack.request('GET', `/v1/jobs/${submitted.body.id}`);
      expect(view.body.webhook).toMatchObject({ status: 'gone', last_status_code: 410 });
    } finally {
      stack.sim.clearFaults();
    }
  });
});

describe('webhook SSRF guard at submission', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: [],
      env: { SWITCHYARD_WEBHOOK_ALLOW_PRIVATE: 'false' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://localhost/hook',
  ])('refuses %s with 422 naming webhook_url', async (url) => {
    const res = await stack.submit({ ...hello, webhook_url: url });
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('invalid_webhook_url');
    expect(res.body.error.details[0].field).toBe('webhook_url');
  });

  it('refuses a non-http scheme with 400', async () => {
    const res = await stack.submit({ ...hello, webhook_url: 'file:///etc/passwd' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('webhook_url');
  });
});
