import { waitingPastDeadline, type WaitingHop } from './limiter-watch';

const now = 1_000_000;
function hop(deadlineInMs: number, id = 'job'): WaitingHop {
  return {
    data: { job_id: id, hop: 0, candidate: 0, provider: 'openai', model: 'gpt-4o-mini' },
    job: {
      deadline_at: now + deadlineInMs,
      plan: {
        candidates: [
          { provider: 'openai', model: 'gpt-4o-mini', estimated_cost_usd: 0.001, max_tokens: 10 },
        ],
      } as WaitingHop['job']['plan'],
    },
  };
}
const ids = (late: Array<{ hop: WaitingHop }>) => late.map((l) => l.hop.data.job_id);

describe('waitingPastDeadline', () => {
  it("picks the hops a 429's pause holds past their deadline, not those it releases in time", () => {
    // A 429's pause: BullMQ sets the limiter past any limit for the retry-after.
    const paused = {
      perMinute: 1_000_000_000,
      startedInWindow: 2 ** 53,
      windowLeftMs: 60_000,
      waiting: 2,
    };
    const late = waitingPastDeadline([hop(30_000, 'short'), hop(90_000, 'long')], paused, now);
    expect(ids(late)).toEqual(['short']);
    expect(late[0].detail).toMatch(
      /^openai takes no new call for about 60 s .* longer than the 30000 ms/,
    );
  });

  it("counts each hop's place behind the requests_per_minute backlog", () => {
    // 2 a minute, both started in this window (10 s left): places 0-1 start in 10 s, 2-3 in 70 s.
    const backlog = { perMinute: 2, startedInWindow: 2, windowLeftMs: 10_000, waiting: 4 };
    const hops = [hop(20_000, 'a'), hop(20_000, 'b'), hop(20_000, 'c'), hop(80_000, 'd')];
    expect(ids(waitingPastDeadline(hops, backlog, now))).toEqual(['c']);
  });

  it('leaves everything alone when the limiter starts every hop at once', () => {
    const free = { perMinute: 100, startedInWindow: 1, windowLeftMs: 30_000, waiting: 2 };
    expect(waitingPastDeadline([hop(1), hop(1)], free, now)).toEqual([]);
  });

  it('leaves a hop whose deadline already passed to the worker and the sweeper', () => {
    const paused = { perMinute: 10, startedInWindow: 2 ** 53, windowLeftMs: 60_000, waiting: 1 };
    expect(waitingPastDeadline([hop(0)], paused, now)).toEqual([]);
  });
});
