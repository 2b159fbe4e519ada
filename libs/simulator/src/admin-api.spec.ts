import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from './scenario-loader';
import { startSimulator, type RunningSimulator } from './simulator-server';
import type { StatsSnapshot } from './simulator-stats';

async function call(method: string, url: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('simulator admin API', () => {
  let sim: RunningSimulator;
  const admin = (method: string, path: string, body?: unknown) =>
    call(method, `${sim.url}${path}`, body);
  const chat = (provider: string, model = 'gpt-4o-mini') =>
    fetch(`${sim.url}/p/${provider}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
    }).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as { choices?: { message: { content: string } }[] },
    }));

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('replaces, merges, lists and clears fault rules', async () => {
    const put = await admin('PUT', '/admin/faults', [
      { provider: 'openai', error_rate: 1, status: 503 },
    ]);
    expect(put).toEqual({
      status: 200,
      json: { faults: [{ provider: 'openai', error_rate: 1, status: 503 }] },
    });
    expect((await chat('openai')).status).toBe(503);

    await admin('POST', '/admin/faults', { provider: 'openai', status: 500 });
    await admin('POST', '/admin/faults', { provider: 'groq', model: 'llama', hang: true });
    expect((await admin('GET', '/admin/faults')).json.faults).toEqual([
      { provider: 'openai', error_rate: 1, status: 500 },
      { provider: 'groq', model: 'llama', hang: true },
    ]);
    expect((await chat('openai')).status).toBe(500);

    const removed = await admin('DELETE', '/admin/faults?provider=openai');
    expect(removed.json).toEqual({
      removed: 1,
      faults: [{ provider: 'groq', model: 'llama', hang: true }],
    });
    expect((await chat('openai')).status).toBe(200);
    await admin('DELETE', '/admin/faults');
    expect((await admin('GET', '/admin/faults')).json.faults).toEqual([]);
  });

  it('accepts the stream faults', async () => {
    const rule = {
      provider: 'openai',
      first_token_delay_ms: 500,
      cut_after_chunks: 3,
      stall_after_chunks: 0,
    };
    expect((await admin('PUT', '/admin/faults', [rule])).status).toBe(200);
    expect((await admin('GET', '/admin/faults')).json.faults).toEqual([rule]);
  });

  it('accepts {faults: [...]} as the PUT body too', async () => {
    const put = await admin('PUT', '/admin/faults', {
      faults: [{ model: 'gpt-4o', latency_ms: 5 }],
    });
    expect(put.json.faults).toEqual([{ model: 'gpt-4o', latency_ms: 5 }]);
  });

  it('takes a rollout whose answers drift (worse.wrong_answer_rate)', async () => {
    const rule = {
      provider: 'openai',
      model: 'gpt-4o',
      revision: 'gpt-4o-2026-02-01',
      worse: { wrong_answer_rate: 0.3 },
    };
    const put = await admin('PUT', '/admin/faults', [rule]);
    expect(put.status).toBe(200);
    expect(put.json.faults).toEqual([rule]);
  });

  it('rejects invalid rules with 400 and keeps the rules in force', async () => {
    await admin('PUT', '/admin/faults', [{ provider: 'openai', error_rate: 1 }]);
    for (const bad of [
      { error_rate: 2 },
      { status: 418 },
      { provider: 'x', explode: true },
      { worse: { error_rate: 1 } },
      { revision: 'r2', worse: { wrong_answer_rate: 1.5 } },
      { revision: 'r2', worse: { answer_drift: 0.5 } },
      { cut_after_chunks: 1.5 },
      { stall_after_chunks: -1 },
      { first_token_delay_ms: 'soon' },
    ]) {
      const res = await admin('POST', '/admin/faults', bad);
      expect(res.status).toBe(400);
      expect((res.json.error as { message: string }).message).toMatch(/^fault/);
    }
    expect((await admin('GET', '/admin/faults')).json.faults).toEqual([
      { provider: 'openai', error_rate: 1 },
    ]);
  });

  it('counts requests per provider, model and outcome, and resets the counts', async () => {
    await admin('PUT', '/admin/faults', [{ provider: 'dead', error_rate: 1, status: 503 }]);
    await chat('dead');
    await chat('dead');
    await chat('live');
    await chat('live', 'gpt-4o');
    const stats = (await admin('GET', '/admin/stats')).json as unknown as StatsSnapshot;
    expect(stats).toEqual({
      total: 4,
      providers: {
        dead: { total: 2, models: { 'gpt-4o-mini': { total: 2, outcomes: { http_503: 2 } } } },
        live: {
          total: 2,
          models: {
            'gpt-4o-mini': { total: 1, outcomes: { ok: 1 } },
            'gpt-4o': { total: 1, outcomes: { ok: 1 } },
          },
        },
      },
    });
    expect((await admin('POST', '/admin/stats/reset')).json).toEqual({ total: 0, providers: {} });
  });

  it('shows the last requests of one provider', async () => {
    await chat('groq', 'llama-3.1-8b-instant');
    await chat('openai');
    const res = await admin('GET', '/admin/requests?provider=groq');
    const requests = res.json.requests as {
      provider: string;
      model: string;
      path: string;
      auth: string;
    }[];
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      provider: 'groq',
      model: 'llama-3.1-8b-instant',
      path: '/p/groq/v1/chat/completions',
      auth: 'authorization',
    });
    await admin('DELETE', '/admin/requests');
    expect((await admin('GET', '/admin/requests')).json.requests).toEqual([]);
  });

  it('loads scripted replies and revisions through PUT /admin/scenario', async () => {
    const scenario = {
      replies: [{ match: '^hel+o$', reply: 'scripted hello' }],
      revisions: { 'gpt-4o-mini': 'gpt-4o-mini-2099-01-01' },
    };
    expect((await admin('PUT', '/admin/scenario', scenario)).status).toBe(200);
    const answer = await chat('openai');
    expect(answer.body.choices?.[0].message.content).toBe('scripted hello');
    expect((answer.body as { model?: string }).model).toBe('gpt-4o-mini-2099-01-01');
    expect((await admin('PUT', '/admin/scenario', { replies: [{ match: '(' }] })).status).toBe(400);
  });

  it('POST /admin/reset goes back to the start scenario', async () => {
    await admin('PUT', '/admin/faults', [{ error_rate: 1 }]);
    await chat('openai');
    const res = await admin('POST', '/admin/reset');
    expect(res.json).toMatchObject({ faults: [], replies: [] });
    expect((await admin('GET', '/admin/stats')).json).toEqual({ total: 0, providers: {} });
  });

  it('answers 404 for unknown routes', async () => {
    expect((await admin('GET', '/admin/nothing')).status).toBe(404);
    expect((await admin('POST', '/v2/unknown')).status).toBe(404);
  });
});

describe('scenario files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-scenario-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads YAML and JSON scenarios that drive a simulator', async () => {
    const yamlPath = join(dir, 'flaky.yaml');
    await writeFile(
      yamlPath,
      [
        'seed: 7',
        'faults:',
        '  - provider: openai',
        '    model: gpt-4o-mini',
        '    error_rate: 1',
        '    status: 429',
        '    retry_after_ms: 250',
        'replies:',
        '  - match: weather',
        '    flags: i',
        '    reply: It is sunny.',
      ].join('\n'),
    );
    const scenario = await loadScenarioFile(yamlPath);
    expect(scenario).toEqual({
      seed: 7,
      faults: [
        {
          provider: 'openai',
          model: 'gpt-4o-mini',
          error_rate: 1,
          status: 429,
          retry_after_ms: 250,
        },
      ],
      replies: [{ match: 'weather', flags: 'i', reply: 'It is sunny.' }],
    });

    const sim = await startSimulator({ scenario });
    try {
      const post = (provider: string, text: string) =>
        fetch(`${sim.url}/p/${provider}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: text }],
          }),
        });
      const limited = await post('openai', 'x');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after-ms')).toBe('250');
      const scripted = (await (await post('groq', 'What is the WEATHER?')).json()) as {
        choices: { message: { content: string } }[];
      };
      expect(scripted.choices[0].message.content).toBe('It is sunny.');
    } finally {
      await sim.close();
    }

    const jsonPath = join(dir, 'broken.json');
    await writeFile(jsonPath, JSON.stringify({ faults: [{ status: 999 }] }));
    await expect(loadScenarioFile(jsonPath)).rejects.toThrow(/status: expected one of/);
  });
});
