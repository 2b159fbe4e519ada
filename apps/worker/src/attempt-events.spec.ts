import { JobEventLog, type JobEvent } from '@switchyard/jobs';
import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { AttemptEventWriter, DELTA_FLUSH_MS, coalesceDeltas } from './attempt-events';

const ATTEMPT = { hop: 0, try: 0, provider: 'openai', model: 'gpt-4o-mini' };

describe('coalesceDeltas', () => {
  it('writes the text of every delta gathered as one delta event, in order', () => {
    expect(
      coalesceDeltas(
        [
          { type: 'text', text: 'echo: ' },
          { type: 'text', text: 'one ' },
          { type: 'text', text: 'two' },
        ],
        ATTEMPT,
      ),
    ).toEqual([{ event: 'delta', data: { text: 'echo: one two' } }]);
  });

  it('keeps text and tool-call fragments in order, one fragment per run of one call', () => {
    expect(
      coalesceDeltas(
        [
          { type: 'text', text: 'let me check' },
          { type: 'tool_call', index: 0, id: 'call_1', name: 'get_weather', arguments: '' },
          { type: 'tool_call', index: 0, arguments: '{"city":' },
          { type: 'tool_call', index: 0, arguments: '"Oslo"}' },
          { type: 'tool_call', index: 1, id: 'call_2', name: 'get_time', arguments: '{}' },
        ],
        ATTEMPT,
      ),
    ).toEqual([
      { event: 'delta', data: { text: 'let me check' } },
      {
        event: 'delta',
        data: {
          tool_call: { index: 0, id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        },
      },
      {
        event: 'delta',
        data: { tool_call: { index: 1, id: 'call_2', name: 'get_time', arguments: '{}' } },
      },
    ]);
  });

  it('names the serving revision as an attempt.revision event of the attempt, before its text', () => {
    expect(
      coalesceDeltas(
        [
          { type: 'model_revision', model_revision: 'gpt-4o-mini-2024-07-18' },
          { type: 'text', text: 'echo: ' },
          { type: 'text', text: 'hi' },
        ],
        ATTEMPT,
      ),
    ).toEqual([
      {
        event: 'attempt.revision',
        data: { ...ATTEMPT, model_revision: 'gpt-4o-mini-2024-07-18' },
      },
      { event: 'delta', data: { text: 'echo: hi' } },
    ]);
  });

  it('writes nothing when nothing was gathered', () => {
    expect(coalesceDeltas([], ATTEMPT)).toEqual([]);
  });
});

describe('AttemptEventWriter', () => {
  /** The real log on the test Redis, counting its writes (each append is one command). */
  class CountingLog extends JobEventLog {
    appends = 0;
    override append(jobId: string, events: readonly JobEvent[]): Promise<void> {
      this.appends++;
      return super.append(jobId, events);
    }
  }
  let t: TestRedis;
  let log: CountingLog;
  let n = 0;
  const errors: Error[] = [];
  const writer = (): { jobId: string; events: AttemptEventWriter } => {
    const jobId = `job_writer_${++n}`;
    return { jobId, events: new AttemptEventWriter(log, jobId, ATTEMPT, (e) => errors.push(e)) };
  };
  const written = async (jobId: string): Promise<unknown[]> =>
    (await log.range(jobId, '0-0', 100)).map((e) => [e.event, e.data]);

  beforeAll(() => {
    t = createTestRedis('attempt-events');
    log = new CountingLog(t.redis, t.prefix, 3600);
  });
  beforeEach(() => {
    log.appends = 0;
  });
  afterEach(() => {
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('writes a start that its outcome follows at once with the outcome: one command, the start first', async () => {
    const { jobId, events } = writer();
    events.started();
    events.delta({ type: 'text', text: 'echo: hi' });
    await events.finish();
    expect(log.appends).toBe(1);
    expect(await written(jobId)).toEqual([
      ['attempt.started', ATTEMPT],
      ['delta', { text: 'echo: hi' }],
    ]);
  });

  it('writes the start with the first delta batch, ahead of the deltas', async () => {
    const { jobId, events } = writer();
    events.started();
    events.delta({ type: 'text', text: 'one' });
    await new Promise((r) => setTimeout(r, DELTA_FLUSH_MS * 3));
    expect(log.appends).toBe(1);
    events.delta({ type: 'text', text: ' two' });
    await events.failed({ type: 'timeout', message: 'no answer in time' });
    expect(log.appends).toBe(2);
    expect(await written(jobId)).toEqual([
      ['attempt.started', ATTEMPT],
      ['delta', { text: 'one' }],
      ['delta', { text: ' two' }],
      ['attempt.failed', { ...ATTEMPT, error: { type: 'timeout', message: 'no answer in time' } }],
    ]);
  });

  it('writes a start on its own when flushed before anything else (the running mark)', async () => {
    const { jobId, events } = writer();
    events.started();
    await events.flush();
    await events.finish();
    expect(log.appends).toBe(1);
    expect(await written(jobId)).toEqual([['attempt.started', ATTEMPT]]);
  });

  it('drops what waits when the job ended under the attempt: nothing lands after', async () => {
    const { jobId, events } = writer();
    events.started();
    events.delta({ type: 'text', text: 'half an answer' });
    events.discard();
    await new Promise((r) => setTimeout(r, DELTA_FLUSH_MS * 3));
    expect(log.appends).toBe(0);
    expect(await written(jobId)).toEqual([]);
  });
});
