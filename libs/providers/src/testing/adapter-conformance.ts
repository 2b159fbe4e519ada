import { createServer } from 'node:net';
import {
  startSimulator,
  type FaultRule,
  type RecordedRequest,
  type RunningSimulator,
} from '@switchyard/simulator';
import { createPooledFetch } from '../shared/pooled-fetch';
import type { ProviderError } from '../provider-error';
import type {
  CompletionDelta,
  CompletionRequest,
  ProviderAdapter,
  ProviderConnection,
  ProviderKind,
} from '../provider.types';
import {
  ConsoleRecorder,
  PERSON_SCHEMA,
  TIME_TOOL,
  WEATHER_TOOL,
  providerFailure,
  secretLeaks,
  textRequest,
} from './provider-test-kit';

/**
 * The suite every adapter spec runs against the simulator: the same taxonomy contract for every
 * provider, each with its own fixtures. It registers jest hooks and tests, so it is test-only code
 * (excluded from the build, like every testing/ folder).
 */

/** One adapter under test and where it is reached. */
export interface AdapterFixture {
  /** The name the adapter calls itself and the simulator counts its calls under. */
  provider: string;
  kind: ProviderKind;
  /** A key in the provider's own format, so scrubbing is tested against a realistic secret. */
  apiKey: string;
  model: string;
  /** The base URL the SDK expects, given the root it is served from. */
  baseUrl(root: string): string;
  create(connection: ProviderConnection): ProviderAdapter;
}

/** The simulator and the adapter of one spec, started before its tests and closed after them. */
export class AdapterHarness {
  private running?: RunningSimulator;
  private built?: ProviderAdapter;

  /** The transport the workers give every adapter, so the conformance suite checks that path. */
  private readonly transport = createPooledFetch();

  constructor(readonly fixture: AdapterFixture) {}

  get sim(): RunningSimulator {
    if (!this.running) throw new Error('the simulator is not running yet');
    return this.running;
  }

  get adapter(): ProviderAdapter {
    if (!this.built) throw new Error('the adapter is not built yet');
    return this.built;
  }

  /** The adapter for this fixture, reaching the API under `root`. */
  adapterAt(root: string): ProviderAdapter {
    const { provider, kind, apiKey } = this.fixture;
    return this.fixture.create({
      provider,
      kind,
      apiKey,
      baseURL: this.fixture.baseUrl(root),
      fetch: this.transport,
    });
  }

  request(text: string, extra: Partial<CompletionRequest> = {}): CompletionRequest {
    return textRequest(this.fixture.model, text, extra);
  }

  lastRequest(provider = this.fixture.provider): RecordedRequest {
    const recorded = this.sim.requests(provider).at(-1);
    if (!recorded) throw new Error(`the simulator recorded no request for ${provider}`);
    return recorded;
  }

  /** The ProviderError a call fails with, checked to name the provider and to carry no key. */
  async fail(request: CompletionRequest = this.request('hi')): Promise<ProviderError> {
    const err = await providerFailure(this.adapter.complete(request));
    expect(secretLeaks(err, this.fixture.apiKey)).toEqual([]);
    expect(err.provider).toBe(this.fixture.provider);
    return err;
  }

  /** Registers the hooks: one simulator per spec, reset before every test, console watched for the key. */
  register(): this {
    const consoleRecorder = new ConsoleRecorder();
    beforeAll(async () => {
      consoleRecorder.start();
      this.running = await startSimulator();
      this.built = this.adapterAt(this.running.providerUrl(this.fixture.provider));
    });
    afterAll(async () => {
      await this.running?.close();
      consoleRecorder.stop();
      expect(consoleRecorder.text()).not.toContain(this.fixture.apiKey);
    });
    beforeEach(() => this.sim.reset());
    return this;
  }
}

/** Polls until `check` holds, failing after `timeoutMs`. */
async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A port nothing listens on: bound a moment ago, then released. */
async function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * How one provider's wire says each failure the suite injects, and what the adapter must make of
 * it. The names only title the tests; the numbers and patterns are asserted.
 */
export interface TaxonomyExpectations {
  rateLimited: {
    /** Where the wait travels: retry-after, retry-after-ms, RetryInfo. */
    source: string;
    retryAfterMs: number;
    /** The request id the error carries, for wires that send one with errors. */
    requestId?: RegExp;
  };
  overloaded: { wire: string; status: number; message?: string };
  serverError: { wire: string };
  auth: { wire: string; status: number; message: RegExp };
  forbidden: { wire: string };
  badRequest: { wire: string };
  modelNotFound: { wire: string };
  contextLength: { wire: string };
  contentFilter: { wire: string };
  /** A revision the simulator rolls the model out to. */
  rolloutRevision: string;
}

/** The taxonomy contract: every injected failure comes back as the one right ProviderError type. */
export function describeAdapterConformance(
  harness: AdapterHarness,
  expected: TaxonomyExpectations,
): void {
  const { provider, model } = harness.fixture;
  const fault = (rule: Omit<FaultRule, 'provider'>) => harness.sim.addFault({ provider, ...rule });

  describe('streaming', () => {
    const collect = () => {
      const deltas: CompletionDelta[] = [];
      return { deltas, onDelta: (d: CompletionDelta) => deltas.push(d) };
    };
    const textOf = (deltas: CompletionDelta[]) =>
      deltas.map((d) => (d.type === 'text' ? d.text : '')).join('');

    it('streams the answer as deltas that concatenate to the result text', async () => {
      const { deltas, onDelta } = collect();
      const result = await harness.adapter.complete(
        harness.request('one two three four five', { onDelta }),
      );
      expect(result.text).toBe('echo: one two three four five');
      expect(deltas.length).toBeGreaterThan(3);
      expect(textOf(deltas)).toBe(result.text);
      expect(result.usage.output_tokens).toBeGreaterThan(0);
    });

    it('names the serving revision once, before the first piece of the answer', async () => {
      const { deltas, onDelta } = collect();
      const result = await harness.adapter.complete(harness.request('one two three', { onDelta }));
      const revisions = deltas.filter((d) => d.type === 'model_revision');
      expect(revisions).toEqual([
        { type: 'model_revision', model_revision: result.model_revision },
      ]);
      expect(deltas[0]).toEqual(revisions[0]);
    });

    it('timeout when the first token is later than first_token_timeout_ms, and the call is aborted', async () => {
      fault({ first_token_delay_ms: 3000 });
      const started = Date.now();
      const err = await harness.fail(
        harness.request('one two three', { first_token_timeout_ms: 300 }),
      );
      expect(err.type).toBe('timeout');
      expect(err.message).toMatch(/no first token within 300 ms/);
      expect(err.partial).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(2500);
      await waitFor(() => harness.sim.heldCalls() === 0);
    });

    it('timeout when the stream stalls past stream_idle_timeout_ms, with the partial output', async () => {
      fault({ stall_after_chunks: 2 });
      const { deltas, onDelta } = collect();
      const err = await harness.fail(
        harness.request('one two three four', { stream_idle_timeout_ms: 300, onDelta }),
      );
      expect(err.type).toBe('timeout');
      expect(err.message).toMatch(/stream idle: no delta for 300 ms/);
      expect(err.partial?.text).toBe('echo: one ');
      expect(textOf(deltas)).toBe('echo: one ');
      expect(err.partial?.usage.output_tokens).toBeGreaterThan(0);
      await waitFor(() => harness.sim.heldCalls() === 0);
    });

    it('a connection cut mid-stream is never a success: network or malformed_response, with the partial output', async () => {
      fault({ cut_after_chunks: 3 });
      const err = await harness.fail(harness.request('one two three four'));
      expect(['network', 'malformed_response']).toContain(err.type);
      expect(err.partial?.text).toBe('echo: one two ');
    });

    it('a cut after the last piece, before the stream says it ended, is no success either', async () => {
      // "echo: ", "one ", "two": all three pieces, then the connection closes.
      fault({ cut_after_chunks: 3 });
      const err = await harness.fail(harness.request('one two'));
      expect(['network', 'malformed_response']).toContain(err.type);
      expect(err.partial?.text).toBe('echo: one two');
    });
  });

  it('reports prompt tokens read from the prompt cache as cached_input_tokens, within input_tokens', async () => {
    fault({ cached_input_tokens: 4 });
    const result = await harness.adapter.complete(harness.request('y'.repeat(40)));
    expect(result.usage).toMatchObject({ input_tokens: 10, cached_input_tokens: 4 });
  });

  it('carries the model revision through a rollout', async () => {
    fault({ model, revision: expected.rolloutRevision });
    const result = await harness.adapter.complete(harness.request('x'));
    expect(result.model_revision).toBe(expected.rolloutRevision);
  });

  describe('error taxonomy', () => {
    const { rateLimited, overloaded, auth } = expected;

    it(`rate_limited with retry_after_ms from ${rateLimited.source}`, async () => {
      fault({ error_rate: 1, status: 429, retry_after_ms: rateLimited.retryAfterMs });
      const err = await harness.fail();
      expect(err).toMatchObject({
        type: 'rate_limited',
        status: 429,
        retryAfterMs: rateLimited.retryAfterMs,
        ...(rateLimited.requestId && { requestId: expect.stringMatching(rateLimited.requestId) }),
      });
      expect(err.toJSON()).toMatchObject({
        type: 'rate_limited',
        retry_after_ms: rateLimited.retryAfterMs,
      });
    });

    it(`overloaded for ${overloaded.wire}, without retrying`, async () => {
      fault({ error_rate: 1, status: overloaded.status });
      const err = await harness.fail();
      expect(err).toMatchObject({ type: 'overloaded', status: overloaded.status });
      if (overloaded.message !== undefined) expect(err.message).toBe(overloaded.message);
      expect(harness.sim.stats().total).toBe(1);
    });

    it(`server_error for ${expected.serverError.wire}, without retrying`, async () => {
      fault({ error_rate: 1, status: 500 });
      expect(await harness.fail()).toMatchObject({ type: 'server_error', status: 500 });
      expect(harness.sim.stats().total).toBe(1);
    });

    it('timeout when the provider hangs past timeout_ms', async () => {
      fault({ hang: true });
      const err = await harness.fail(harness.request('x', { timeout_ms: 300 }));
      expect(err.type).toBe('timeout');
      expect(err.message).toMatch(/300 ms/);
    });

    it('timeout when the caller aborts', async () => {
      fault({ hang: true });
      const err = await harness.fail(harness.request('x', { signal: AbortSignal.timeout(100) }));
      expect(err.type).toBe('timeout');
      expect(err.message).toMatch(/aborted by the caller/);
    });

    it('network when the connection is reset', async () => {
      fault({ reset: true });
      expect((await harness.fail()).type).toBe('network');
    });

    it('network when nothing listens', async () => {
      const nowhere = harness.adapterAt(`http://127.0.0.1:${await closedPort()}`);
      const err = await providerFailure(nowhere.complete(harness.request('x')));
      expect(err.type).toBe('network');
      expect(err.message).toMatch(/ECONNREFUSED/);
    });

    it(`auth for ${auth.wire}, with the echoed key scrubbed`, async () => {
      fault({ error_rate: 1, status: 401 });
      const err = await harness.fail();
      expect(err).toMatchObject({ type: 'auth', status: auth.status });
      expect(err.message).toMatch(auth.message);
    });

    it(`auth for ${expected.forbidden.wire}`, async () => {
      fault({ error_rate: 1, status: 403 });
      expect(await harness.fail()).toMatchObject({ type: 'auth', status: 403 });
    });

    it(`bad_request for ${expected.badRequest.wire}`, async () => {
      fault({ error_rate: 1, status: 400 });
      expect((await harness.fail()).type).toBe('bad_request');
    });

    it(`model_not_found for ${expected.modelNotFound.wire}`, async () => {
      fault({ retired: true });
      expect(await harness.fail()).toMatchObject({ type: 'model_not_found', status: 404 });
      // The same answer as an injected 404, which is how the simulator words an unknown model.
      harness.sim.clearFaults();
      fault({ error_rate: 1, status: 404 });
      expect(await harness.fail()).toMatchObject({ type: 'model_not_found', status: 404 });
    });

    it(`context_length_exceeded for ${expected.contextLength.wire}`, async () => {
      fault({ context_window: 4 });
      const err = await harness.fail(harness.request('a prompt well over sixteen characters'));
      expect(err.type).toBe('context_length_exceeded');
    });

    it(`content_filtered for ${expected.contentFilter.wire}`, async () => {
      fault({ content_filter: true });
      expect((await harness.fail()).type).toBe('content_filtered');
    });

    it('invalid_output when the JSON breaks the schema', async () => {
      fault({ break_schema: true });
      const err = await harness.fail(
        harness.request('x', { response_format: { type: 'json_schema', schema: PERSON_SCHEMA } }),
      );
      expect(err.type).toBe('invalid_output');
    });

    it('malformed_response for a body of the wrong shape or not JSON', async () => {
      fault({ malformed: 'shape' });
      expect((await harness.fail()).type).toBe('malformed_response');
      fault({ malformed: 'not_json' });
      expect((await harness.fail()).type).toBe('malformed_response');
    });
  });
}

/**
 * The tool-call contract every adapter meets against the simulator, through its real SDK: a call
 * comes back parsed and checked, its id survives the round trip (the simulator refuses results that
 * answer no call it made, as the real APIs do), and arguments that break the schema are
 * `invalid_output`.
 */
export function describeToolConformance(harness: AdapterHarness): void {
  const { provider } = harness.fixture;
  const tools = [WEATHER_TOOL, TIME_TOOL];
  const ask = (text: string, extra: Partial<CompletionRequest> = {}) =>
    harness.request(text, { tools, ...extra });

  describe('tool calls', () => {
    it('returns the tool call the prompt asks for, arguments parsed, finish_reason tool_calls', async () => {
      const result = await harness.adapter.complete(ask('please call get_weather for Paris'));
      expect(result.finish_reason).toBe('tool_calls');
      expect(result.text).toBe('');
      expect(result.tool_calls).toEqual([
        {
          id: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
          name: 'get_weather',
          arguments: { city: 'sample', unit: 'C' },
        },
      ]);
    });

    it('answers in text when no tool is asked for, and never under tool_choice none', async () => {
      const plain = await harness.adapter.complete(ask('hello'));
      expect(plain).toMatchObject({ text: 'echo: hello', finish_reason: 'stop' });
      expect(plain.tool_calls).toBeUndefined();
      const none = await harness.adapter.complete(ask('call get_weather', { tool_choice: 'none' }));
      expect(none.tool_calls).toBeUndefined();
      expect(none.text).toBe('echo: call get_weather');
    });

    it('calls the tool tool_choice names, and some tool under required', async () => {
      const named = await harness.adapter.complete(
        ask('hello', { tool_choice: { name: 'get_time' } }),
      );
      expect(named.tool_calls?.map((c) => c.name)).toEqual(['get_time']);
      const required = await harness.adapter.complete(ask('hello', { tool_choice: 'required' }));
      expect(required.tool_calls).toHaveLength(1);
    });

    it('sends the call and its result back with the same id and gets the final answer', async () => {
      const first = await harness.adapter.complete(ask('call get_weather for Paris'));
      const calls = first.tool_calls ?? [];
      expect(calls).toHaveLength(1);
      const second = await harness.adapter.complete(
        ask('', {
          messages: [
            { role: 'user', content: 'call get_weather for Paris' },
            { role: 'assistant', content: '', tool_calls: calls },
            { role: 'tool', tool_call_id: calls[0].id, content: '{"temp_c": 18}' },
          ],
        }),
      );
      expect(second.tool_calls).toBeUndefined();
      expect(second.finish_reason).toBe('stop');
      expect(second.text).toMatch(/^tool result: .*18/);
    });

    it('carries the tool call ids of another provider through a turn (a fallback mid-conversation)', async () => {
      const foreign = [
        {
          id: 'call_Abc123FromAnotherProvider',
          name: 'get_weather',
          arguments: { city: 'Oslo', unit: 'C' },
        },
        { id: 'toolu_01SecondCall', name: 'get_time', arguments: { zone: 'CET' } },
      ];
      const result = await harness.adapter.complete(
        ask('', {
          messages: [
            { role: 'user', content: 'weather and time in Oslo?' },
            { role: 'assistant', content: 'Looking both up.', tool_calls: foreign },
            { role: 'tool', tool_call_id: foreign[0].id, content: 'cloudy, 4 C' },
            { role: 'tool', tool_call_id: foreign[1].id, content: '14:05' },
          ],
        }),
      );
      expect(result.text).toMatch(/^tool result: .*cloudy, 4 C.*\n.*14:05/s);
    });

    it("invalid_output when the arguments break the tool's parameters", async () => {
      harness.sim.addFault({ provider, break_schema: true });
      const err = await harness.fail(ask('call get_weather'));
      expect(err.type).toBe('invalid_output');
      expect(err.message).toMatch(/get_weather/);
    });
  });
}
