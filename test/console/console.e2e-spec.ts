/// <reference lib="dom" />
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import {
  ManagedProcess,
  REPO_ROOT,
  SwitchyardStack,
  TENANT_KEYS,
  freePort,
  type JobBody,
  waitFor,
} from '@switchyard/testing';
import { AlertLog } from '@switchyard/webhooks';
import { ConsoleBrowser } from '../support/console-browser';

const execFileAsync = promisify(execFile);
const TRACE_TEMPLATE = 'http://127.0.0.1:16686/trace/{trace_id}';
const NEW_REVISION = 'gpt-4o-mini-2025-06-01';

/**
 * Issue 21: the console, in headless Chromium against the real split stack (simulator as every
 * provider, ledger in PostgreSQL), reading only the tenant-scoped API.
 */
describe('the console in a real browser', () => {
  let stack: SwitchyardStack;
  let browser: ConsoleBrowser;
  let page: Page;
  const acmeJobs: string[] = [];
  /** Jobs tenant A ran per task, to know when the ledger (written in the background) has them all. */
  const acmeJobsByTask = new Map<string, number>();

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      ledger: true,
      providers: ['openai', 'anthropic', 'google', 'groq'],
      env: { SWITCHYARD_TRACE_URL_TEMPLATE: TRACE_TEMPLATE },
    });
    browser = await ConsoleBrowser.launch();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const reasoning = (n: number): JobBody => ({
    task: 'reasoning',
    messages: [{ role: 'user', content: `question ${n}` }],
  });

  async function runJob(body: JobBody, tenant: 'acme' | 'globex' = 'acme'): Promise<any> {
    const submitted = await stack.submit(body, {}, tenant);
    expect(submitted.status).toBe(202);
    const job = await stack.waitForJob(submitted.body.id, 30_000, tenant);
    // The ledger stores rows in the background: the pages below read it, so wait for the answer's
    // row (the failed attempts' rows were queued before it and are stored first).
    if (job.status === 'succeeded') {
      await waitFor(
        async () =>
          (await stack.request('GET', `/v1/calls?job_id=${job.id}`, undefined, {}, tenant)).body,
        (page: any) => page.calls?.some((c: any) => c.error_type === null) === true,
        `the ledger row of job ${job.id}`,
      );
    }
    if (tenant === 'acme') {
      acmeJobs.push(job.id);
      acmeJobsByTask.set(body.task, (acmeJobsByTask.get(body.task) ?? 0) + 1);
    }
    return job;
  }

  async function signIn(key: string): Promise<void> {
    await page.goto(`${stack.baseUrl}/console/`);
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${stack.baseUrl}/console/#/overview`);
    await page.locator('input[name=api_key]').fill(key);
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.locator('[data-testid=providers]').waitFor();
  }

  async function show(hash: string, ready: string): Promise<void> {
    await page.goto(`${stack.baseUrl}/console/${hash}`);
    await page.locator(ready).first().waitFor();
  }

  it('asks for the key once, keeps it for the session only, and never puts it in a URL', async () => {
    await runJob(reasoning(0));
    await signIn(TENANT_KEYS.acme);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([TENANT_KEYS.acme]);
    expect(await page.evaluate(() => Object.values(localStorage))).toEqual([]);
    // A reload does not ask again.
    await page.reload();
    await page.locator('[data-testid=providers]').waitFor();
    expect(await page.locator('input[name=api_key]').count()).toBe(0);
    expect(browser.requests.filter((u) => u.includes(TENANT_KEYS.acme))).toEqual([]);
    expect(await page.locator('#banner').isHidden()).toBe(true);
  });

  it("shows a fallback job's attempts on its time line, the failed one with its error type", async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 503 });
    const job = await runJob({
      task: 'extraction',
      messages: [{ role: 'user', content: 'Invoice 43' }],
      response_format: { type: 'json_schema', schema: { type: 'object' } },
      metadata: { ticket: 'T-43' },
    });
    stack.sim.clearFaults();
    expect(job.status).toBe('succeeded');
    expect(job.result.provider).toBe('google');

    await show(`#/jobs/${job.id}`, '[data-testid=attempt]');
    const attempts = page.locator('[data-testid=attempt]');
    expect(await attempts.count()).toBe(job.attempts.length);
    const failed = page.locator('[data-testid=attempt][data-status=failed]').first();
    expect(await failed.getAttribute('data-provider')).toBe('openai');
    expect(await failed.getAttribute('data-error-type')).toBe('overloaded');
    expect(await failed.innerText()).toContain('✕ overloaded');
    const succeeded = page.locator('[data-testid=attempt][data-status=succeeded]');
    expect(await succeeded.count()).toBe(1);
    expect(await succeeded.innerText()).toContain(
      `google/gemini-2.5-flash — rev ${job.result.model_revision}`,
    );
    // Result, metadata, webhook and the trace id as a link to the configured viewer.
    expect(await page.locator('main').innerText()).toContain('"ticket": "T-43"');
    expect(await page.locator('main').innerText()).toContain('This job has no webhook_url.');
    expect(await page.locator('[data-testid=trace-id]').getAttribute('href')).toBe(
      TRACE_TEMPLATE.replace('{trace_id}', job.trace_id),
    );
  });

  it('lists jobs newest first with filters, and pages with the cursor', async () => {
    for (let i = 1; i <= 3; i++) await runJob(reasoning(i));
    await show('#/jobs?task=reasoning', '[data-testid=jobs]');
    const api = await stack.request('GET', '/v1/jobs?task=reasoning&limit=25');
    const shown = await page
      .locator('[data-testid=jobs] [data-job-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job-id')));
    expect(shown).toEqual(api.body.jobs.map((j: any) => j.id));
    expect(shown.length).toBeGreaterThanOrEqual(4);

    await page.locator('select[name=status]').selectOption('failed');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('[data-testid=no-jobs]').waitFor();

    // A time window after every job: none; the API applies it (since/until on GET /v1/jobs).
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await show(`#/jobs?since=${encodeURIComponent(later)}`, '[data-testid=no-jobs]');
    const none = await stack.request('GET', `/v1/jobs?since=${encodeURIComponent(later)}`);
    expect(none.body.jobs).toEqual([]);
    const bad = await stack.request('GET', '/v1/jobs?until=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { field: 'until', problem: 'must be an ISO 8601 timestamp' },
    ]);

    // Page size 25 over 2 pages: make the list long enough, then follow "older".
    const extra = await Promise.all(
      Array.from({ length: 22 }, (_, i) => stack.submit({ ...reasoning(100 + i) })),
    );
    for (const s of extra) acmeJobs.push((await stack.waitForJob(s.body.id)).id);
    await show('#/jobs', '[data-testid=jobs]');
    const first = await page
      .locator('[data-job-id]')
      .evaluateAll((r) => r.map((x) => x.getAttribute('data-job-id')));
    await page.locator('[data-testid=older]').click();
    await page.waitForFunction(() => window.location.hash.includes('cursor='));
    // The next page has replaced the first one (the old table stays until it has loaded).
    await page.waitForFunction((firstId) => {
      const row = document.querySelector('[data-testid=jobs] [data-job-id]');
      return row !== null && row.getAttribute('data-job-id') !== firstId;
    }, first[0]);
    const second = await page
      .locator('[data-job-id]')
      .evaluateAll((r) => r.map((x) => x.getAttribute('data-job-id')));
    expect(first).toHaveLength(25);
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
  });

  it('after a rollout of a second revision, lists both revisions and plots a series for each', async () => {
    stack.sim.addFault({ provider: 'openai', model: 'gpt-4o-mini', revision: NEW_REVISION });
    for (let i = 0; i < 3; i++) {
      const job = await runJob(reasoning(200 + i));
      expect(job.result.model_revision).toBe(NEW_REVISION);
    }
    await show('#/revisions?task=reasoning', '[data-testid=revisions]');
    const revisions = await page
      .locator('[data-testid=revisions] [data-revision]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-revision')));
    expect(revisions).toEqual(expect.arrayContaining(['gpt-4o-mini-2024-07-18', NEW_REVISION]));
    for (const rev of ['gpt-4o-mini-2024-07-18', NEW_REVISION]) {
      const item = page.locator(`[data-series-group="${rev}"]`);
      expect(Number(await item.getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
    }
    // Three plots (error rate, p95 latency, calls), each with both revisions in its legend.
    expect(await page.locator('.uplot').count()).toBe(3);
    const legend = await page.locator('.uplot').first().locator('.u-legend').innerText();
    expect(legend).toContain(NEW_REVISION);
    expect(legend).toContain('gpt-4o-mini-2024-07-18');

    const series = await stack.request(
      'GET',
      '/v1/stats/series?task=reasoning&group_by=model_revision&bucket=1h',
    );
    expect(series.status).toBe(200);
    const newest = series.body.series.find((s: any) => s.group === NEW_REVISION);
    expect(newest.points.reduce((n: number, p: any) => n + p.calls, 0)).toBe(3);
  });

  it("shows today's spend per task as bars matching /v1/spend, against daily_usd and alert_at", async () => {
    await runJob({ task: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    await show('#/overview', '[data-testid=spend] [data-spend-task]');
    const spend = (await stack.request('GET', '/v1/spend')).body.spend as any[];
    const bars = await page.locator('[data-spend-task]').evaluateAll((rows) =>
      rows.map((r) => ({
        task: r.getAttribute('data-spend-task'),
        spent: Number(r.getAttribute('data-spent-usd')),
        text: (r as HTMLElement).innerText,
      })),
    );
    expect(bars.map((b) => [b.task, b.spent])).toEqual(spend.map((s) => [s.task, s.spent_usd]));
    // The caller's own total over all tasks, as /v1/spend's tenant says.
    const own = (await stack.request('GET', '/v1/spend')).body.tenant;
    const tenantLine = page.locator('[data-spend-tenant]');
    expect(await tenantLine.getAttribute('data-spend-tenant')).toBe(own.tenant);
    expect(Number(await tenantLine.getAttribute('data-spent-usd'))).toBe(own.spent_usd);
    const chat = bars.find((b) => b.task === 'chat');
    expect(spend.find((s) => s.task === 'chat').spent_usd).toBeGreaterThan(0);
    expect(chat?.text).toContain('of $100.00');
    expect(chat?.text).toContain('alert at 80 %');
    expect(
      await page.locator('[data-spend-task=chat] [role=meter]').getAttribute('aria-valuenow'),
    ).toBe(String(spend.find((s) => s.task === 'chat').spent_usd));
    // Circuits and queue depth per provider.
    expect(await page.locator('[data-provider=openai] [data-circuit-state]').innerText()).toMatch(
      /closed|open|half-open/,
    );
    expect(await page.locator('[data-testid=refresh-state]').innerText()).toContain(
      'Refreshes every 5 s',
    );
  });

  it("lists the caller's own budget alerts, a tenant's over all its tasks as the tenant's, and no other tenant's", async () => {
    // Written where the workers write them (the stack's alert log in Redis); the worker's side of
    // a tenant alert is driven through REST in test/tenants.
    const log = new AlertLog(stack.redis.redis, stack.redis.prefix);
    const day = new Date().toISOString().slice(0, 10);
    const tenantAlert = { scope: 'tenant', tenant: 'acme', day, daily_usd: 3, alert_at: 0.5 };
    await log.record('budget.alert', `*:acme:${day}`, tenantAlert);
    await log.record('budget.alert', `chat:globex:${day}`, {
      scope: 'task',
      task: 'chat',
      tenant: 'globex',
      day,
      daily_usd: 100,
      alert_at: 0.8,
    });
    await show('#/overview', '[data-testid=alerts] [data-alert-type]');
    const rows = await page
      .locator('[data-testid=alerts] [data-alert-type="budget.alert"]')
      .allInnerTexts();
    expect(rows).toEqual([
      expect.stringContaining(`tenant acme crossed 50 % of $3.00 over all tasks on ${day}`),
    ]);
  });

  it('shows the economics of the last 7 and 30 days, as /v1/reports/weekly reports them', async () => {
    await show('#/economics', '[data-testid=report-tasks]');
    const report = (await stack.request('GET', '/v1/reports/weekly')).body;
    const shownJobs = await page
      .locator('[data-report-task]')
      .evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute('data-report-task'), Number(r.children[1].textContent)]),
      );
    expect(shownJobs).toEqual(report.tasks.map((t: any) => [t.task, t.jobs]));
    const extraction = report.tasks.find((t: any) => t.task === 'extraction');
    expect(extraction.fallback_rate).toBe(1);
    expect(await page.locator('[data-report-task=extraction]').innerText()).toContain('100.0 %');
    expect(await page.locator('.uplot').count()).toBe(1);
    await page.getByRole('button', { name: 'last 30 days' }).click();
    await page.waitForFunction(() => window.location.hash.includes('days=30'));
    await page.locator('[data-testid=report-tasks]').waitFor();
  });

  it("with tenant B's key shows none of tenant A's jobs", async () => {
    const globexJob = await runJob(reasoning(300), 'globex');
    await signIn(TENANT_KEYS.globex);
    await show('#/jobs', '[data-testid=jobs]');
    const shown = await page
      .locator('[data-job-id]')
      .evaluateAll((r) => r.map((x) => x.getAttribute('data-job-id')));
    expect(shown).toEqual([globexJob.id]);
    expect(shown.filter((id) => acmeJobs.includes(id as string))).toEqual([]);
    await show('#/revisions?task=reasoning', '[data-testid=revisions]');
    const revisions = await page
      .locator('[data-revision]')
      .evaluateAll((r) => r.map((x) => x.getAttribute('data-revision')));
    expect(revisions).toEqual([NEW_REVISION]);
    // A job of tenant A by its id: not found, like a job that does not exist. (On a page of its
    // own: the browser reports the API's 404 in the console, as it does for any 404.)
    const expected404: string[] = [];
    const probe = await browser.newPage(expected404);
    // sessionStorage is per tab: this tab gets tenant B's key as if it had been typed in.
    await probe.addInitScript(
      (key) => sessionStorage.setItem('switchyard.console.api_key', key),
      TENANT_KEYS.globex,
    );
    await probe.goto(`${stack.baseUrl}/console/#/jobs/${acmeJobs[0]}`);
    await probe.getByRole('alert').waitFor();
    expect(await probe.getByRole('alert').innerText()).toContain('not found');
    expect(expected404).toEqual([expect.stringContaining('status of 404 (Not Found)')]);
    await probe.close();
  });

  it('refreshes the overview every few seconds, and not while the tab is hidden', async () => {
    await show('#/overview', '[data-testid=providers]');
    const polls = () => browser.requests.filter((u) => u.endsWith('/v1/providers')).length;
    const before = polls();
    await new Promise((r) => setTimeout(r, 6_000));
    expect(polls()).toBeGreaterThan(before);
    // Hide the tab the way the browser does: document.hidden and a visibilitychange event.
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await new Promise((r) => setTimeout(r, 500));
    const hiddenAt = polls();
    await new Promise((r) => setTimeout(r, 7_000));
    expect(polls()).toBe(hiddenAt);
    expect(await page.locator('[data-testid=refresh-state]').innerText()).toContain('paused');
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(polls()).toBeGreaterThan(hiddenAt);
  });

  it('counts a circuit opening as a provider incident, in the console and in npm run report', async () => {
    // An outage long enough to open openai's circuit (5 failures in a row).
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 503 });
    for (let i = 0; i < 8; i++) {
      const providers = (await stack.request('GET', '/v1/providers')).body.providers as any[];
      if (providers.find((p) => p.name === 'openai').circuit.state === 'open') break;
      await runJob({
        task: 'extraction',
        messages: [{ role: 'user', content: `Invoice ${500 + i}` }],
        response_format: { type: 'json_schema', schema: { type: 'object' } },
      });
    }
    stack.sim.clearFaults();
    // The ledger stores rows in the background: wait until the report counts every extraction job,
    // so the console and the CLI below read the same totals.
    const weekly = await waitFor(
      async () => (await stack.request('GET', '/v1/reports/weekly')).body,
      (report: any) =>
        report.tasks.find((t: any) => t.task === 'extraction')?.jobs ===
        acmeJobsByTask.get('extraction'),
      'every extraction job in the weekly report',
    );
    const openai = weekly.providers.find((p: any) => p.provider === 'openai');
    expect(openai.incidents).toBe(1);

    await show('#/economics', '[data-testid=report-providers]');
    expect(await page.locator('[data-report-provider=openai] td').nth(1).innerText()).toBe('1');

    const { stdout } = await execFileAsync(
      process.execPath,
      ['dist/apps/cli/src/report.js', '--week', '--url', stack.baseUrl],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, SWITCHYARD_API_KEY: TENANT_KEYS.acme } },
    );
    const extraction = weekly.tasks.find((t: any) => t.task === 'extraction');
    expect(stdout).toContain('# Switchyard report: ');
    expect(stdout).toContain(
      `| extraction | ${extraction.jobs} | $${extraction.spend_usd.toFixed(4)} | $${extraction.cost_per_1000_jobs_usd.toFixed(4)} | 100.0 % | 100.0 % |`,
    );
    expect(stdout).toMatch(/\| openai \| 1 \| /);
    expect(stdout).not.toContain(TENANT_KEYS.acme);

    // A wrong key: exit code 1 and the API's message, not a stack trace.
    await expect(
      execFileAsync(
        process.execPath,
        ['dist/apps/cli/src/report.js', '--url', stack.baseUrl, '--key', 'nope'],
        {
          cwd: REPO_ROOT,
        },
      ),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('answered 401: invalid API key'),
    });
  });

  it('says so in a banner in open mode, and asks for no key', async () => {
    const port = await freePort();
    const open = new ManagedProcess(
      'ingress-open',
      'apps/ingress/src/main.js',
      [],
      { ...stack.env, SWITCHYARD_API_KEYS: '', PORT: String(port) },
      port,
    ).start();
    try {
      await open.waitForHttp('/readyz');
      await page.goto(`http://127.0.0.1:${port}/console/#/overview`);
      await page.locator('[data-testid=providers]').waitFor();
      expect(await page.locator('#banner').innerText()).toContain('Open mode');
      expect(await page.locator('input[name=api_key]').count()).toBe(0);
    } finally {
      await open.stop('SIGTERM');
    }
  });

  it('logged no errors in the browser console and sent no request beyond 127.0.0.1', () => {
    expect(browser.consoleErrors).toEqual([]);
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.requests.length).toBeGreaterThan(20);
  });
});
