import { gzipSync } from 'node:zlib';
import { SwitchyardStack } from '@switchyard/testing';

const hello = { task: 'reasoning', messages: [{ role: 'user', content: 'hello there' }] };

function jsonJob(schema: Record<string, unknown>, text = 'Invoice 42') {
  return {
    task: 'extraction',
    messages: [{ role: 'user', content: text }],
    response_format: { type: 'json_schema', schema },
  };
}

/** Every 4xx in the API's one error shape, naming the field or header at fault. */
function expectError(
  res: { status: number; body: any },
  status: number,
  field: string | RegExp,
  problem?: RegExp,
): void {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { error: { type: expect.any(String), message: expect.any(String) } },
  });
  expect(res.body.error.details).toEqual(
    expect.arrayContaining([
      {
        field: typeof field === 'string' ? field : expect.stringMatching(field),
        problem: problem ? expect.stringMatching(problem) : expect.any(String),
      },
    ]),
  );
}

async function rawPost(
  stack: SwitchyardStack,
  path: string,
  body: string | Blob,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-acme-test-key-1', ...headers },
    body,
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

describe('hostile input gets a clear 4xx, never a 500, a stall or a wrong answer', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({ providers: ['openai', 'google'], ledger: true });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('JSON Schema $id and pattern', () => {
    it('accepts and serves the same $id schema again, from any tenant (no "already exists")', async () => {
      const schema = {
        $id: 'https://example.com/schemas/invoice',
        type: 'object',
        required: ['vendor'],
        properties: { vendor: { type: 'string' } },
      };
      const first = await stack.submit(jsonJob(schema), {}, 'acme');
      const second = await stack.submit(jsonJob(schema), {}, 'acme');
      const other = await stack.submit(jsonJob(schema), {}, 'globex');
      const differentBody = await stack.submit(
        jsonJob({ ...schema, properties: { vendor: { type: 'string', minLength: 1 } } }),
        {},
        'globex',
      );
      for (const res of [first, second, other, differentBody]) expect(res.status).toBe(202);
      const jobs = await Promise.all([
        stack.waitForJob(first.body.id),
        stack.waitForJob(second.body.id),
        stack.waitForJob(other.body.id, 30_000, 'globex'),
        stack.waitForJob(differentBody.body.id, 30_000, 'globex'),
      ]);
      for (const job of jobs) {
        expect(job.status).toBe('succeeded');
        expect(job.result.json).toEqual({ vendor: 'sample' });
      }
    });

    it('checks a catastrophic-backtracking pattern in linear time: ^(a|a)+$ on 28 a\'s and "!"', async () => {
      const put = await fetch(`${stack.sim.url}/admin/scenario`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          replies: [{ match: 'redos-probe', json: { word: `${'a'.repeat(28)}!` } }],
        }),
      });
      expect(put.status).toBe(200);
      try {
        const schema = {
          type: 'object',
          required: ['word'],
          properties: { word: { type: 'string', pattern: '^(a|a)+$' } },
        };
        const started = Date.now();
        const submitted = await stack.submit(jsonJob(schema, 'redos-probe'));
        expect(submitted.status).toBe(202);
        const job = await stack.waitForJob(submitted.body.id);
        // Backtracking takes ~6 s per check on this pattern, and both candidates check it.
        expect(Date.now() - started).toBeLessThan(5000);
        expect(job.status).toBe('failed');
        expect(job.error.type).toBe('invalid_output');
        expect(job.attempts.length).toBeGreaterThanOrEqual(2);
      } finally {
        stack.sim.reset();
      }
    });

    it('refuses at submission a pattern the linear-time engine cannot run, naming it', async () => {
      const res = await stack.submit(
        jsonJob({ type: 'object', properties: { a: { type: 'string', pattern: '^(?=x)a' } } }),
      );
      expectError(res, 400, 'response_format.schema.properties.a.pattern', /RE2/);
    });

    it('refuses a schema that is not a JSON Schema with the path of its first problem', async () => {
      const res = await stack.submit(jsonJob({ properties: { total: { type: 'numbr' } } }));
      expectError(res, 400, 'response_format.schema.properties.total.type');
      const ref = await stack.submit(jsonJob({ properties: { a: { $ref: '#/$defs/none' } } }));
      expectError(ref, 400, 'response_format.schema.properties.a.$ref', /does not resolve/);
    });
  });

  describe('size limits', () => {
    it('refuses 300,000 messages cheaply with 413 naming messages, /healthz answering meanwhile', async () => {
      const messages = Array.from({ length: 300_000 }, () => ({ role: 'user', content: 'x' }));
      const body = JSON.stringify({ task: 'reasoning', messages });
      expect(body.length).toBeGreaterThan(8_000_000);
      const started = Date.now();
      const pending = stack.request('POST', '/v1/jobs', body);
      const probeLatencies: number[] = [];
      let done = false;
      const probing = (async () => {
        while (!done) {
          const t = Date.now();
          await fetch(`${stack.baseUrl}/healthz`);
          probeLatencies.push(Date.now() - t);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const res = await pending;
      done = true;
      await probing;
      expectError(res, 413, 'messages', /at most 1000 messages/);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(Math.max(...probeLatencies)).toBeLessThan(1000);
    });

    it('refuses more than 100 parts in one message with 413 naming its content', async () => {
      const parts = Array.from({ length: 101 }, () => ({ type: 'text', text: 'x' }));
      const res = await stack.submit({ ...hello, messages: [{ role: 'user', content: parts }] });
      expectError(res, 413, 'messages[0].content', /at most 100 parts/);
    });

    it('refuses a response schema over 32 KiB with 413 naming it', async () => {
      const schema = { type: 'object', description: 'x'.repeat(40_000) };
      const res = await stack.submit(jsonJob(schema));
      expectError(res, 413, 'response_format.schema', /at most 32768 bytes/);
    });
  });

  describe('task names that are Object.prototype keys', () => {
    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
      '%s is an unknown task everywhere',
      async (name) => {
        const job = await stack.submit({ ...hello, task: name });
        expectError(job, 422, 'task', /unknown task/);
        expect(job.body.error.type).toBe('unknown_task');
        const route = await stack.request('GET', `/v1/routes/${name}`);
        expectError(route, 422, 'task', /unknown task/);
        const plan = await stack.request('POST', `/v1/routes/${name}/plan`, hello);
        expectError(plan, 422, 'task', /unknown task/);
        const spend = await stack.request('GET', `/v1/spend?task=${name}`);
        expectError(spend, 400, 'task', /unknown task/);
      },
    );
  });

  describe('malformed requests', () => {
    const body = JSON.stringify(hello);

    it('refuses a charset other than UTF-8 with 415 naming Content-Type', async () => {
      const res = await rawPost(stack, '/v1/jobs', body, {
        'content-type': 'application/json; charset=latin1',
      });
      expectError(res, 415, 'Content-Type', /latin1/);
    });

    it.each(['compress', 'constructor'])(
      'refuses Content-Encoding: %s with 415 naming the header',
      async (encoding) => {
        const res = await rawPost(stack, '/v1/jobs', body, {
          'content-type': 'application/json',
          'content-encoding': encoding,
        });
        expectError(res, 415, 'Content-Encoding', new RegExp(encoding));
      },
    );

    it('refuses a body that is not really gzip with 400 naming Content-Encoding', async () => {
      const res = await rawPost(stack, '/v1/jobs', body, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expectError(res, 400, 'Content-Encoding');
      const real = await rawPost(stack, '/v1/jobs', new Blob([new Uint8Array(gzipSync(body))]), {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expect(real.status).toBe(202);
    });

    it('reads a JSON body as an object or an array only; an empty one is {}, another media type none', async () => {
      const scalar = await rawPost(stack, '/v1/jobs', '"just a string"', {
        'content-type': 'application/json',
      });
      expect(scalar.status).toBe(400);
      expect(scalar.body.error.type).toBe('invalid_json');
      // An empty body is an empty object: the first missing field is named.
      const empty = await rawPost(stack, '/v1/jobs', '', { 'content-type': 'application/json' });
      expectError(empty, 400, 'task');
      // Another media type is not read as JSON: no body, not a 415 before the route speaks.
      const text = await rawPost(stack, '/v1/jobs', body, { 'content-type': 'text/plain' });
      expect(text.status).toBe(400);
      expect(text.body.error.type).toBe('invalid_request');
      // A UTF charset other than UTF-8 is decoded.
      const utf16 = await rawPost(
        stack,
        '/v1/jobs',
        new Blob([new Uint8Array(Buffer.from(body, 'utf16le'))]),
        { 'content-type': 'application/json; charset=utf-16le' },
      );
      expect(utf16.status).toBe(202);
    });

    it('refuses a body over the 10 MB limit with 413: declared, streamed, or once inflated', async () => {
      // Whitespace around a valid body: only its size is wrong.
      const over = `${' '.repeat(10 * 1024 * 1024)}${body}`;
      const tooLarge = (res: { status: number; body: any }): void => {
        expect(res.status).toBe(413);
        expect(res.body.error).toMatchObject({
          type: 'payload_too_large',
          message: 'the request body exceeds the limit of 10485760 bytes',
        });
      };
      tooLarge(await rawPost(stack, '/v1/jobs', over, { 'content-type': 'application/json' }));
      // About 10 KB on the wire, 10 MB once inflated.
      tooLarge(
        await rawPost(stack, '/v1/jobs', new Blob([new Uint8Array(gzipSync(over))]), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        }),
      );
      // Chunked, with no Content-Length to refuse it by.
      const chunk = new TextEncoder().encode(' '.repeat(1024 * 1024));
      let sent = 0;
      const streamed = await fetch(`${stack.baseUrl}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-acme-test-key-1', 'content-type': 'application/json' },
        body: new ReadableStream({
          pull(controller) {
            if (sent++ < 12) controller.enqueue(chunk);
            else controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      tooLarge({ status: streamed.status, body: await streamed.json() });
      // The process still serves.
      expect(
        (await rawPost(stack, '/v1/jobs', body, { 'content-type': 'application/json' })).status,
      ).toBe(202);
    });

    it('answers a path that is not valid percent-encoding with 400 in the API error shape', async () => {
      const res = await stack.request('GET', '/v1/jobs/%E0%A4%A');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { type: 'invalid_request', message: expect.any(String), details: [] },
      });
    });

    it('refuses JSON nested 10,000 deep with 400 naming where it got too deep', async () => {
      const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
      const res = await stack.request(
        'POST',
        '/v1/jobs',
        `{"task":"reasoning","messages":[{"role":"user","content":"hi"}],"metadata":{"a":${deep}}}`,
      );
      expectError(res, 400, /^metadata\.a(\[0\])+$/, /deeper than 64/);
    });

    it('refuses a day that is no calendar day, and a since past the year 9999', async () => {
      expectError(await stack.request('GET', '/v1/spend?day=2026-13-45'), 400, 'day');
      expectError(await stack.request('GET', '/v1/stats?since=99999-01-01'), 400, 'since');
      expectError(await stack.request('GET', '/v1/calls?since=99999-01-01'), 400, 'since');
    });
  });

  describe('one rule for field errors', () => {
    it('says the type when a value has the wrong type', async () => {
      const res = await stack.submit({ ...hello, temperature: 'hot' });
      expectError(res, 400, 'temperature', /must be a number/);
      const tokens = await stack.submit({ ...hello, max_tokens: 'many' });
      expectError(tokens, 400, 'max_tokens', /integer/);
    });

    it('refuses unknown keys of a content part with their path, like those of a message', async () => {
      const part = await stack.submit({
        ...hello,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', colour: 'red' }] }],
      });
      expectError(part, 400, 'messages[0].content[0].colour');
      const message = await stack.submit({
        ...hello,
        messages: [{ role: 'user', content: 'hi', colour: 'red' } as never],
      });
      expectError(message, 400, 'messages[0].colour');
    });

    it.each(['__proto__', 'constructor'])(
      'refuses a metadata key %s instead of dropping it',
      async (key) => {
        const res = await stack.request(
          'POST',
          '/v1/jobs',
          `{"task":"reasoning","messages":[{"role":"user","content":"hi"}],"metadata":{"${key}":{"x":1}}}`,
        );
        expectError(res, 400, `metadata.${key}`, /reserved key/);
      },
    );

    it('refuses a bracketed or repeated filter on GET /v1/jobs instead of ignoring it', async () => {
      expectError(await stack.request('GET', '/v1/jobs?task[]=reasoning'), 400, 'task[]');
      expectError(await stack.request('GET', '/v1/jobs?task=a&task=b'), 400, 'task');
      expectError(await stack.request('GET', '/v1/calls?task[]=reasoning'), 400, 'task[]');
    });

    it('plans from the path: task in the body is optional, and must agree when given', async () => {
      const { task: _task, ...withoutTask } = hello;
      const plan = await stack.request('POST', '/v1/routes/reasoning/plan', withoutTask);
      expect(plan.status).toBe(200);
      expect(plan.body.candidates[0]).toMatchObject({ provider: 'openai' });
      const same = await stack.request('POST', '/v1/routes/reasoning/plan', hello);
      expect(same.status).toBe(200);
      const other = await stack.request('POST', '/v1/routes/reasoning/plan', {
        ...hello,
        task: 'chat',
      });
      expectError(other, 400, 'task', /path/);
    });
  });
});
