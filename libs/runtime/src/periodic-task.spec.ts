import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs its round every interval until stopped', async () => {
    let rounds = 0;
    const task = new PeriodicTask(async () => void rounds++, { warn: () => undefined });
    task.start(1000);
    await jest.advanceTimersByTimeAsync(3500);
    expect(rounds).toBe(3);
    task.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(rounds).toBe(3);
  });

  it('logs a failed round and keeps running the next ones', async () => {
    const warnings: string[] = [];
    let rounds = 0;
    const task = new PeriodicTask(
      async () => {
        rounds++;
        if (rounds === 1) throw new Error('redis went away');
      },
      { warn: (message) => warnings.push(message) },
    );
    task.start(100);
    await jest.advanceTimersByTimeAsync(250);
    task.stop();
    expect(warnings).toEqual(['redis went away']);
    expect(rounds).toBe(2);
  });
});
