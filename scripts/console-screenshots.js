#!/usr/bin/env node
/* global fetch, setTimeout, URL */
// `npm run console:screenshots`: runs `npm start`'s all-in-one (simulator for every provider, PGlite
// ledger in a temporary directory, its own Redis key prefix), drives an outage drill through the
// public API (normal traffic, an OpenAI outage that opens its circuit and sends jobs to their
// fallbacks, a worse Anthropic revision rolled out, recovery), then photographs each console page
// with the same headless Chromium the tests use. Writes docs/console-*.png.
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync, mkdirSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { randomBytes } = require('node:crypto');
const { chromium } = require('playwright-core');
const Redis = require('ioredis');

const root = resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const KEY = `sk-demo-${randomBytes(12).toString('hex')}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitFor(what, fn, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function main() {
  const [port, simPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-screens-'));
  const prefix = `syshot${randomBytes(3).toString('hex')}`;
  const base = `http://127.0.0.1:${port}`;
  const sim = `http://127.0.0.1:${simPort}`;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  Object.assign(env, {
    PORT: String(port),
    SWITCHYARD_SIMULATOR_URL: sim,
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_API_KEYS: `demo=${KEY}`,
    SWITCHYARD_REDIS_PREFIX: prefix,
    SWITCHYARD_QUEUE_PREFIX: `${prefix}q`,
    SWITCHYARD_TRACE_URL_TEMPLATE: 'http://localhost:16686/trace/{trace_id}',
    SWITCHYARD_REGRESSION_INTERVAL_MS: '2000',
    SWITCHYARD_REGRESSION_MIN_CALLS: '8',
    SWITCHYARD_REGRESSION_P95_LATENCY_RATIO: '1000',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  });
  if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  const child = spawn(process.execPath, ['dist/apps/all-in-one/src/main.js'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout.on('data', (d) => (logs += d));
  child.stderr.on('data', (d) => (logs += d));
  let browser;
  try {
    await waitFor('the all-in-one', async () => (await fetch(`${base}/readyz`)).ok, 90_000);
    const call = async (method, path, body, headers = {}) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    };
    // The embedded ledger opens after the API is up; calls made before it would not be recorded.
    await waitFor(
      'the ledger',
      async () => (await call('GET', '/v1/stats')).status === 200,
      90_000,
    );
    const fault = (method, body) =>
      fetch(`${sim}/admin/faults`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });
    const job = (task, n) => ({
      task,
      messages: [
        {
          role: 'user',
          content: `${task} request ${n}: Invoice ${n} from ACME, total ${n}.50 EUR`,
        },
      ],
      ...(task === 'extraction'
        ? {
            response_format: {
              type: 'json_schema',
              schema: { type: 'object', properties: { vendor: { type: 'string' } } },
            },
          }
        : {}),
      metadata: { drill: 'console-screenshots', n },
    });
    const wave = async (tasks, count, label) => {
      let n = 0;
      const statuses = {};
      const one = async () => {
        while (n < count) {
          const i = n++;
          const res = await call('POST', '/v1/jobs', job(tasks[i % tasks.length], i), {
            prefer: 'wait=20',
          });
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        }
      };
      await Promise.all(Array.from({ length: 6 }, one));
      console.log(`drill: ${label}: ${count} jobs, HTTP ${JSON.stringify(statuses)}`);
    };
    const tasks = ['reasoning', 'extraction', 'chat', 'summarization'];
    await wave(tasks, 48, 'normal traffic');
    await fault('POST', { provider: 'openai', error_rate: 1, status: 503 });
    await wave(['extraction', 'chat'], 24, 'OpenAI outage (503s): fallbacks, circuit opens');
    const newRevision = 'claude-sonnet-4-5-20260115';
    await fault('POST', {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      revision: newRevision,
      error_rate: 0.35,
      status: 500,
    });
    await wave(['reasoning'], 20, `rollout of ${newRevision} (worse)`);
    await fault('DELETE');
    await fault('POST', {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      revision: newRevision,
    });
    await sleep(16_000); // the breaker's cooldown: the circuit half-opens and recovers
    await wave(tasks, 40, 'recovery');
    await waitFor(
      'regression.detected',
      async () => (await call('GET', '/v1/alerts')).body.alerts.length > 0,
      30_000,
    ).catch(() => console.log('drill: no regression alert yet (screenshots go on)'));

    const list = await call('GET', '/v1/jobs?task=extraction&limit=100');
    let fallbackJob;
    for (const j of list.body.jobs) {
      const view = (await call('GET', `/v1/jobs/${j.id}`)).body;
      if (view.status === 'succeeded' && view.attempts.some((a) => a.status === 'failed')) {
        fallbackJob = view;
        break;
      }
    }

    const profile = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1366, height: 900 },
    });
    await browser.route('**/*', (route) =>
      new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
    );
    const page = await browser.newPage();
    await page.goto(`${base}/console/#/overview`);
    await page.locator('input[name=api_key]').fill(KEY);
    await page.getByRole('button', { name: 'Open the console' }).click();
    const docs = join(root, 'docs');
    mkdirSync(docs, { recursive: true });
    const shoot = async (name, hash, ready) => {
      await page.goto(`${base}/console/${hash}`);
      await page.locator(ready).first().waitFor();
      await sleep(500);
      await page.screenshot({ path: join(docs, `console-${name}.png`), fullPage: true });
      console.log(`wrote docs/console-${name}.png`);
    };
    await shoot('overview', '#/overview', '[data-testid=providers]');
    await shoot('jobs', '#/jobs', '[data-testid=jobs]');
    if (fallbackJob) await shoot('job', `#/jobs/${fallbackJob.id}`, '[data-testid=attempt]');
    await shoot('revisions', '#/revisions?task=reasoning', '.uplot');
    await shoot('economics', '#/economics', '.uplot');
    rmSync(profile, { recursive: true, force: true });
  } catch (err) {
    console.error(logs.slice(-4000));
    throw err;
  } finally {
    await browser?.close().catch(() => undefined);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    if (!process.env.REDIS_URL || process.env.REDIS_URL.includes('127.0.0.1')) {
      const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', {
        lazyConnect: true,
      });
      try {
        await redis.connect();
        for (const pattern of [`${prefix}:*`, `${prefix}q:*`]) {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
            cursor = next;
            if (keys.length) await redis.del(...keys);
          } while (cursor !== '0');
        }
      } catch {
        // a private redis-server of the all-in-one: gone with it
      } finally {
        redis.disconnect();
      }
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
