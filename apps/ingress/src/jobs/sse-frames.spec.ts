import { ApiError } from '../http/api-error';
import { SSE_KEEP_ALIVE, parseLastEventId, sseEntry, sseEvent } from './sse-frames';

describe('SSE frames of a job event stream', () => {
  it('writes the stream entry id as id:, the event name as event: and the data as one JSON line', () => {
    expect(sseEntry({ id: '1733000000000-3', event: 'delta', data: { text: 'a\nb' } })).toBe(
      'id: 1733000000000-3\nevent: delta\ndata: {"text":"a\\nb"}\n\n',
    );
    expect(sseEvent('job.failed', { status: 'cancelled' })).toBe(
      'event: job.failed\ndata: {"status":"cancelled"}\n\n',
    );
    expect(SSE_KEEP_ALIVE.startsWith(':')).toBe(true);
  });

  it('resumes after Last-Event-ID, from the start without one, and refuses anything else', () => {
    expect(parseLastEventId(undefined)).toBe('0-0');
    expect(parseLastEventId(' ')).toBe('0-0');
    expect(parseLastEventId('1733000000000-12')).toBe('1733000000000-12');
    expect(() => parseLastEventId('$')).toThrow(ApiError);
    try {
      parseLastEventId('12');
      throw new Error('expected a 400');
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).getStatus()).toBe(400);
      expect((err as ApiError).details).toEqual([
        { field: 'Last-Event-ID', problem: expect.any(String) },
      ]);
    }
  });
});
