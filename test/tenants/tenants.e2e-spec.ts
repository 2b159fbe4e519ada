import { resolve } from 'node:path';
import {
  REPO_ROOT,
  SwitchyardStack,
  TENANT_KEYS,
  WebhookTestReceiver,
  waitFor as waitUntil,
} from '@switchyard/testing';

const ROUTES = resolve(REPO_ROOT, 'test/fixtures/routes.tenants.e2e.yaml');
const METERED_DAILY_USD = 0.003;
const INITECH_DAILY_USD = 0.003;
const KEYS = {
  ...TENANT_KEYS,
  initech: 'sk-initech-test-key-3',
  umbrella: 'sk-umbrella-test-key-4',
  hooli: 'sk-hooli-test-key-5',
};
type TenantName = keyof typeof KEYS;

// 100 input tokens, echoed back: ~$0.0006 on haiku, against a worst-case estimate of ~$0.00074.
const job = (task: string, i: number) => ({
  task,
  messages: [{ role: 'user', content: `job ${String(i).padStart(4, '0')} `.repeat(40) }],
});

describe('tenants (routes file `tenants:`): budgets, provider lists, request rate, spend', () => {
  let stack: SwitchyardStack;
  let alerts: WebhookTestReceiver;
  const budgetAlerts = () =>
    alerts
      .requestsTo('/alerts')
      .map((r) => JSON.parse(r.rawBody))
      .filter((e) => e.type === 'budget.alert');

  const as = (tenant: TenantName) => ({ authorization: `Bearer ${KEYS[tenant]}` });
  const submit = (tenant: TenantName, body: object, prefer?: string) =>
    stack.request('POST', '/v1/jobs', body, { ...as(tenant), ...(prefer ? { prefer } : {}) }, null);
  const get = (tenant: TenantName, path: string) =>
    stack.request('GET', path, undefined, as(tenant), null);

  async function waitFor(tenant: TenantName, id: string): Promise<any> {
    const deadline = Date.now() + 40_000;
    for (;;) {
      const res = await get(tenant, `/v1/jobs/${id}`);
      if (['succeeded', 'failed', 'cancelled'].includes(res.body.status)) return res.body;
      if (Date.now() > deadline) throw new Error(`job ${id} did not finish\n${stack.logs()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Each submission's final state: the finished job, or the refusal at the door. */
  async function settleAll(tenant: TenantName, bodies: object[]) {
    const responses = await Promise.all(bodies.map((b) => submit(tenant, b, 'wait=40')));
    return Promise.all(
      responses.map(async (res) => {
        if (res.status === 429) return { refused: res.body.error };
        if (res.status === 200) return { job: res.body };
        expect(res.status).toBe(202);
        return { job: await waitFor(tenant, res.body.id) };
      }),
    );
  }

  beforeAll(async () => {
    alerts = new WebhookTestReceiver('whsec_placeholder');
    await alerts.listen();
    stack = await SwitchyardStack.start({
      providers: ['anthropic', 'openai'],
      dispatcher: true,
      routes: ROUTES,
      apiKeys: Object.entries(KEYS)
        .map(([t, k]) => `${t}=${k}`)
        .join(','),
      env: {
        TEST_METERED_DAILY_USD: String(METERED_DAILY_USD),
        TEST_INITECH_DAILY_USD: String(INITECH_DAILY_USD),
        SWITCHYARD_ALERT_WEBHOOK_URL: alerts.url('/alerts'),
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await alerts?.close();
  });

  afterEach(() => stack.sim.clearFaults());

  it("gives each tenant a task's daily budget of its own: one tenant spending it all leaves another unaffected", async () => {
    const outcomes = await settleAll(
      'acme',
      Array.from({ length: 50 }, (_, i) => job('metered', i)),
    );
    const served = outcomes.filter((o) => o.job?.status === 'succeeded').map((o) => o.job);
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThan(10);
    const spentByAcme = served.reduce((sum, j) => sum + j.cost_usd, 0);
    expect(spentByAcme).toBeLessThanOrEqual(METERED_DAILY_USD);
    for (const o of outcomes) {
      if (o.refused) expect(o.refused).toMatchObject({ type: 'budget_exhausted', task: 'metered' });
      else if (o.job.status !== 'succeeded') expect(o.job.error.type).toBe('budget_exhausted');
    }
    // acme is out of budget for the day...
    expect((await submit('acme', job('metered', 99))).status).toBe(429);

    // ...and globex still has the whole of it, and never sees acme's spend.
    const before = await get('globex', '/v1/spend?task=metered');
    expect(before.body.spend[0]).toMatchObject({
      task: 'metered',
      spent_usd: 0,
      reserved_usd: 0,
      limit_usd: METERED_DAILY_USD,
    });
    expect(before.body.tenant).toMatchObject({ tenant: 'globex', spent_usd: 0 });
    const theirs = await submit('globex', job('metered', 100), 'wait=20');
    expect(theirs.status).toBe(200);
    expect(theirs.body.status).toBe('succeeded');

    const globexSpend = await get('globex', '/v1/spend?task=metered');
    expect(globexSpend.body.spend[0].spent_usd).toBeCloseTo(theirs.body.cost_usd, 9);
    const acmeSpend = await get('acme', '/v1/spend?task=metered');
    expect(acmeSpend.body.spend[0].spent_usd).toBeCloseTo(spentByAcme, 9);
    expect(acmeSpend.body.tenant).toMatchObject({ tenant: 'acme', limit_usd: null });
    expect(acmeSpend.body.tenant.spent_usd).toBeCloseTo(spentByAcme, 9);
  });

  it("holds a tenant's daily_usd over all its tasks: a few of 50 concurrent jobs fit, never more", async () => {
    const outcomes = await settleAll(
      'initech',
      Array.from({ length: 50 }, (_, i) => job(i % 2 ? 'metered' : 'open', 200 + i)),
    );
    const served = outcomes.filter((o) => o.job?.status === 'succeeded').map((o) => o.job);
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThan(10);
    const spent = served.reduce((sum, j) => sum + j.cost_usd, 0);
    expect(spent).toBeLessThanOrEqual(INITECH_DAILY_USD);
    for (const o of outcomes) {
      if (o.refused) expect(o.refused.type).toBe('budget_exhausted');
      else if (o.job.status !== 'succeeded') expect(o.job.error.type).toBe('budget_exhausted');
    }
    // The task without a budget of its own is refused too, naming the tenant's budget.
    const refused = await submit('initech', job('open', 299));
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ type: 'budget_exhausted', tenant: 'initech' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    const spend = await get('initech', '/v1/spend');
    expect(spend.body.tenant).toMatchObject({ tenant: 'initech', limit_usd: INITECH_DAILY_USD });
    expect(spend.body.tenant.spent_usd).toBeCloseTo(spent, 9);
    expect(spend.body.tenant.spent_usd + spend.body.tenant.reserved_usd).toBeLessThanOrEqual(
      INITECH_DAILY_USD,
    );

    // Another tenant on the same tasks is unaffected.
    const other = await submit('globex', job('open', 300), 'wait=20');
    expect(other.status).toBe(200);
    expect(other.body.status).toBe('succeeded');
  });

  it("fires one budget.alert of scope tenant once the tenant's spend over all tasks crosses its alert_at", async () => {
    // The test before spent initech's day on task `open`, which has no daily budget of its own:
    // only the tenant's ledger (alert_at 0.5 of $0.003) can have crossed.
    const [alert] = await waitUntil(
      async () => budgetAlerts().filter((e) => e.data.tenant === 'initech'),
      (list) => list.length > 0,
      "initech's budget.alert",
    );
    expect(alert.data).toEqual({
      scope: 'tenant',
      tenant: 'initech',
      day: new Date().toISOString().slice(0, 10),
      daily_usd: INITECH_DAILY_USD,
      alert_at: 0.5,
    });
    // Once for the day, however many settles follow the crossing.
    await new Promise((r) => setTimeout(r, 1000));
    expect(budgetAlerts().filter((e) => e.data.tenant === 'initech')).toHaveLength(1);
    // GET /v1/alerts shows a budget.alert to the tenant whose spend it is, and to no other.
    const initechAlerts = (await get('initech', '/v1/alerts?limit=200')).body.alerts;
    expect(initechAlerts).toEqual([expect.objectContaining({ data: alert.data })]);
    const acmeAlerts = (await get('acme', '/v1/alerts?limit=200')).body.alerts;
    expect(acmeAlerts.map((a: any) => a.data.tenant)).toEqual(['acme']);
    // acme's crossing of task `metered`'s budget (the first test) is the task's, not the tenant's.
    expect(budgetAlerts().filter((e) => e.data.tenant === 'acme')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ scope: 'task', task: 'metered' }),
      }),
    ]);
  });

  it('never sends a tenant limited to one provider anywhere else, also when its primary fails', async () => {
    stack.sim.addFault({ provider: 'openai', model: 'gpt-4o-mini', error_rate: 1, status: 503 });
    const anthropicCallsBefore = stack.sim.stats().providers.anthropic?.total ?? 0;

    const accepted = await submit('umbrella', job('chain', 400));
    expect(accepted.status).toBe(202);
    expect(accepted.body.plan).toEqual([
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'openai', model: 'gpt-4.1-mini' },
    ]);
    const view = await waitFor('umbrella', accepted.body.id);
    expect(view.status).toBe('succeeded');
    expect(view.result).toMatchObject({ provider: 'openai', model: 'gpt-4.1-mini' });
    expect(view.attempts.map((a: any) => a.provider)).toEqual(['openai', 'openai']);
    expect(view.skipped).toEqual([
      expect.objectContaining({
        provider: 'anthropic',
        reason: 'provider_not_allowed',
        detail: 'tenant umbrella may use only openai (allowed_providers), not anthropic',
      }),
    ]);
    expect(stack.sim.stats().providers.anthropic?.total ?? 0).toBe(anthropicCallsBefore);

    // Another tenant's job of the same task does fall back to anthropic.
    const other = await submit('globex', job('chain', 401), 'wait=20');
    expect(other.body.result.provider).toBe('anthropic');

    // No provider the tenant may use serves this task: 422 no_candidate, with the reason.
    const none = await submit('umbrella', job('anthropic_only', 402));
    expect(none.status).toBe(422);
    expect(none.body.error.type).toBe('no_candidate');
    expect(none.body.error.details[0].problem).toMatch(/^provider_not_allowed: /);
  });

  it('answers 429 rate_limited with Retry-After past requests_per_minute, across the tenant only', async () => {
    const statuses: number[] = [];
    let refusal: any;
    for (let i = 0; i < 5; i++) {
      const res = await submit('hooli', job('open', 500 + i));
      statuses.push(res.status);
      if (res.status === 429) refusal = res;
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    expect(refusal.body.error).toMatchObject({ type: 'rate_limited', tenant: 'hooli' });
    const retryAfter = Number(refusal.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect((await submit('globex', job('open', 510))).status).toBe(202);
  });

  it('shows a tenant only its own limits in GET /v1/routes', async () => {
    const own = await get('umbrella', '/v1/routes');
    expect(own.body.tenants).toEqual({
      umbrella: { name: 'umbrella', allowed_providers: ['openai'] },
    });
    expect((await get('globex', '/v1/routes')).body.tenants).toEqual({});
  });
});
