// The Redis-backed state that routing decisions read: the day's spend and its reservations, the
// latency samples that order candidates, and the tenants' request rates. The rules that read this
// state are pure and live in @switchyard/routing; this library only stores and counts.
export { DailySpendStore } from './daily-spend-store';
export { LatencyTracker, type LatencyTrackerOptions } from './latency-tracker';
export { TenantRateLimiter, type AdmitResult } from './tenant-rate-limiter';
