import {
  DEFAULT_WEBHOOK_RETRY_SETTINGS,
  webhookRetryDelay,
  webhookRetrySchedule,
} from './webhook-backoff';

const HOUR = 3_600_000;
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const noJitter = (): number => 0.5;

describe('webhook backoff', () => {
  const settings = { ...DEFAULT_WEBHOOK_RETRY_SETTINGS };

  it('has one delay per retry: maxAttempts - 1', () => {
    expect(webhookRetrySchedule(settings, noJitter)).toHaveLength(settings.maxAttempts - 1);
  });

  it('spreads the default schedule over about a day', () => {
    const total = sum(webhookRetrySchedule(settings, noJitter));
    expect(total).toBeGreaterThan(20 * HOUR);
    expect(total).toBeLessThan(28 * HOUR);
  });

  it('stays within a day ± jitter at the extremes of the jitter range', () => {
    const low = sum(webhookRetrySchedule(settings, () => 0));
    const high = sum(webhookRetrySchedule(settings, () => 0.999999));
    expect(low).toBeGreaterThan(16 * HOUR);
    expect(high).toBeLessThan(32 * HOUR);
    expect(high).toBeGreaterThan(low);
  });

  it('starts at the base delay and grows exponentially', () => {
    const delays = webhookRetrySchedule(settings, noJitter);
    expect(delays[0]).toBe(5000);
    expect(delays[1]).toBe(13000);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
  });

  it('caps a single delay (before jitter) so big attempt counts do not run for weeks', () => {
    const many = webhookRetrySchedule({ ...settings, maxAttempts: 30 }, noJitter);
    expect(Math.max(...many)).toBe(settings.maxBackoffMs);
  });

  it('applies jitter within ±20%', () => {
    const delays = Array.from({ length: 200 }, () => webhookRetryDelay(3, settings));
    const nominal = webhookRetryDelay(3, settings, noJitter);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(nominal * 0.8 - 1);
    expect(Math.max(...delays)).toBeLessThanOrEqual(nominal * 1.2 + 1);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  it('follows the configured base, so tests can run it in milliseconds', () => {
    const fast = { ...settings, backoffBaseMs: 10, maxAttempts: 4 };
    expect(webhookRetrySchedule(fast, noJitter)).toEqual([10, 26, 68]);
  });
});
