import { StreamWatchdog } from './stream-watchdog';

describe('StreamWatchdog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function watch(limits: { firstTokenMs?: number; idleMs?: number }) {
    const reasons: string[] = [];
    const watchdog = new StreamWatchdog(limits, (reason) => reasons.push(reason));
    return { watchdog, reasons };
  }

  it('expires when no first delta arrives within firstTokenMs', () => {
    const { reasons } = watch({ firstTokenMs: 100, idleMs: 1000 });
    jest.advanceTimersByTime(99);
    expect(reasons).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(reasons).toEqual(['no first token within 100 ms']);
  });

  it('switches to the idle limit after the first delta and restarts it on every delta', () => {
    const { watchdog, reasons } = watch({ firstTokenMs: 100, idleMs: 50 });
    jest.advanceTimersByTime(90);
    watchdog.touch();
    jest.advanceTimersByTime(40);
    watchdog.touch();
    jest.advanceTimersByTime(40);
    watchdog.touch();
    jest.advanceTimersByTime(49);
    expect(reasons).toEqual([]);
    expect(watchdog.sawDelta).toBe(true);
    jest.advanceTimersByTime(1);
    expect(reasons).toEqual(['stream idle: no delta for 50 ms']);
  });

  it('fires once, and never after dispose', () => {
    const { watchdog, reasons } = watch({ firstTokenMs: 10, idleMs: 10 });
    jest.advanceTimersByTime(10);
    watchdog.touch();
    jest.advanceTimersByTime(100);
    expect(reasons).toHaveLength(1);

    const other = watch({ firstTokenMs: 10, idleMs: 10 });
    other.watchdog.touch();
    other.watchdog.dispose();
    jest.advanceTimersByTime(100);
    expect(other.reasons).toEqual([]);
  });

  it('without limits it never fires', () => {
    const { watchdog, reasons } = watch({});
    watchdog.touch();
    jest.advanceTimersByTime(10_000_000);
    expect(reasons).toEqual([]);
  });
});
