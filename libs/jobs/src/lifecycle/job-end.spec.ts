import type { JobRecord, JobResult } from '../job.types';
import { endOwedBy, endedRecord } from './job-end';
import { JobStep } from './job-steps';

const running: JobRecord = {
  id: 'j1',
  tenant: 'acme',
  task: 'chat',
  status: 'running',
  request: { messages: [{ role: 'user', content: 'hi' }] },
  plan: { candidates: [], skipped: [], estimated_input_tokens: 1, max_tokens: 16 },
  deadline_at: 0,
  cost_usd: 0.25,
  current_hop: 1,
  created_at: '2026-12-02T00:00:00.000Z',
  updated_at: '2026-12-02T00:00:01.000Z',
  started_at: '2026-12-02T00:00:01.000Z',
};

const result: JobResult = {
  text: 'hello',
  provider: 'openai',
  model: 'gpt-4o-mini',
  model_revision: 'gpt-4o-mini-2024-07-18',
  finish_reason: 'stop',
  usage: { input_tokens: 1, output_tokens: 1 },
  cost_usd: 0.5,
  latency_ms: 10,
};
const at = new Date('2026-12-02T00:00:02.000Z');

describe('endedRecord (the record the winning transition leaves)', () => {
  it('a success: status, result, the step, both timestamps, and the result charged once', () => {
    expect(endedRecord(running, { status: 'succeeded', result }, 'h1', at)).toEqual({
      ...running,
      status: 'succeeded',
      result,
      cost_usd: 0.75,
      finalized_by: 'h1',
      finished_at: '2026-12-02T00:00:02.000Z',
      updated_at: '2026-12-02T00:00:02.000Z',
    });
  });

  it('a failure: the error, and no cost charged', () => {
    const error = { type: 'deadline_exceeded', message: 'late' };
    expect(endedRecord(running, { status: 'failed', error }, 'deadline-sweeper', at)).toEqual({
      ...running,
      status: 'failed',
      error,
      finalized_by: 'deadline-sweeper',
      finished_at: '2026-12-02T00:00:02.000Z',
      updated_at: '2026-12-02T00:00:02.000Z',
    });
  });

  it('a result that reports a negative cost charges nothing, as the transition does', () => {
    const ended = endedRecord(
      running,
      { status: 'succeeded', result: { ...result, cost_usd: -1 } },
      'h1',
      at,
    );
    expect(ended.cost_usd).toBe(0.25);
  });
});

describe('endOwedBy (announce again after a crash)', () => {
  const succeeded = endedRecord(running, { status: 'succeeded', result }, 'h1', at);
  const failed = endedRecord(
    running,
    { status: 'failed', error: { type: 'server_error', message: 'boom' } },
    'route-h1',
    at,
  );

  it('the step that ended the job owes it the same end again', () => {
    expect(endOwedBy(succeeded, 'h1')).toEqual({ status: 'succeeded', result });
    expect(endOwedBy(failed, 'route-h1')).toEqual({
      status: 'failed',
      error: { type: 'server_error', message: 'boom' },
    });
  });

  it('another step, or a job not ended, owes nothing', () => {
    expect(endOwedBy(succeeded, 'h0')).toBeUndefined();
    expect(endOwedBy(succeeded, 'route-h1')).toBeUndefined();
    expect(endOwedBy(running, 'h1')).toBeUndefined();
    expect(endOwedBy({ ...running, finalized_by: 'h1' }, 'h1')).toBeUndefined();
  });

  it('a cancelled job is announced by its transition: nothing is owed', () => {
    expect(
      endOwedBy({ ...running, status: 'cancelled', finalized_by: 'cancel' }, 'cancel'),
    ).toBeUndefined();
  });
});

describe('JobStep (the finalized_by names records already carry)', () => {
  it('keeps the names a re-run compares against', () => {
    expect(JobStep.worker(1)).toBe('h1');
    expect(JobStep.router(0)).toBe('route-h0');
    expect([JobStep.deadlineSweeper, JobStep.cache, JobStep.cancel]).toEqual([
      'deadline-sweeper',
      'cache',
      'cancel',
    ]);
  });
});
