import { SwitchyardStack, WebhookTestReceiver } from '@switchyard/testing';

// ~1,000 input tokens per job, so each job spends a visible share of the tiny daily budget.
const longPrompt = 'Summarize the following carefully. '.repeat(115);
const chatJob = { task: 'chat', messages: [{ role: 'user', content: longPrompt }] };
const DAILY_USD = 0.004;

describe('daily budget per task (reserved atomically in Redis before each call)', () => {
  let stack: SwitchyardStack;
  let alerts: WebhookTestReceiver;

  beforeAll(async () => {
    alerts = new WebhookTestReceiver('whsec_placeholder');
    await alerts.listen();
    stack = await SwitchyardStack.start({
      providers: ['groq', 'anthropic'],
      dispatcher: true,
      env: {
        TEST_CHAT_DAILY_USD: String(DAILY_USD),
        SWITCHYARD_ALERT_WEBHOOK_URL: alerts.url('/alerts'),
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await alerts?.close();
  });

  it('spends up to the budget, then refuses new jobs with 429 budget_exhausted naming the task and reset time', async () => {
    const outcomes: string[] = [];
    let refusal: { status: number; body: any; headers: Headers } | undefined;
    for (let i = 0; i < 60 && !refusal; i++) {
      const res = await stack.submit(chatJob, { prefer: 'wait=20' });
      if (res.status === 429) refusal = res;
      else outcomes.push(res.body.status === 'failed' ? res.body.error.type : res.body.status);
    }
    expect(refusal).toBeDefined();
    expect(refusal!.body.error).toMatchObject({ type: 'budget_exhausted', task: 'chat' });
    expect(refusal!.body.error.message).toMatch(/chat/);
    const resetsAt = Date.parse(refusal!.body.error.resets_at);
    expect(resetsAt).toBeGreaterThan(Date.now());
    expect(new Date(resetsAt).toISOString()).toMatch(/T00:00:00.000Z$/);
    expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThan(0);

    expect(outcomes.filter((o) => o === 'succeeded').length).toBeGreaterThan(1);
    // Jobs accepted while the last reservation could not fit fail cleanly instead of overspending.
    expect(outcomes.every((o) => o === 'succeeded' || o === 'budget_exhausted')).toBe(true);

    const spend = await stack.request('GET', '/v1/spend?task=chat');
    expect(spend.status).toBe(200);
    const [today] = spend.body.spend;
    expect(today.limit_usd).toBe(DAILY_USD);
    expect(today.spent_usd).toBeGreaterThan(0);
    expect(today.spent_usd + today.reserved_usd).toBeLessThanOrEqual(DAILY_USD);
  });

  it('fires budget.alert once for the day when spend crosses alert_at', async () => {
    const deadline = Date.now() + 20_000;
    while (alerts.requestsTo('/alerts').length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const received = alerts.requestsTo('/alerts').map((r) => JSON.parse(r.rawBody));
    const budgetAlerts = received.filter((e) => e.type === 'budget.alert');
    expect(budgetAlerts).toHaveLength(1);
    expect(budgetAlerts[0].data).toMatchObject({
      task: 'chat',
      daily_usd: DAILY_USD,
      alert_at: 0.8,
    });
  });
});
