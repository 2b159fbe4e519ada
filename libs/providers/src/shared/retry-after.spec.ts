import { parseDurationMs, parseRetryAfterMs } from './retry-after';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('prefers retry-after-ms', () => {
    expect(
      parseRetryAfterMs(new Headers({ 'retry-after-ms': '1500.4', 'retry-after': '9' }), now),
    ).toBe(1500);
  });

  it('reads retry-after as seconds', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '0.25' }), now)).toBe(250);
  });

  it('reads retry-after as an HTTP date, never negative', () => {
    expect(
      parseRetryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now),
    ).toBe(30000);
    expect(
      parseRetryAfterMs(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now),
    ).toBe(0);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers())).toBeUndefined();
    expect(
      parseRetryAfterMs(new Headers({ 'retry-after': 'soon', 'retry-after-ms': '-5' })),
    ).toBeUndefined();
  });
});

describe('parseDurationMs', () => {
  it('reads protobuf durations', () => {
    expect(parseDurationMs('33s')).toBe(33000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('5m')).toBeUndefined();
    expect(parseDurationMs(5)).toBeUndefined();
  });
});
