export * from './job.types';
export * from './job-store';
export * from './idempotency-store';
export * from './job-completion-channel';
export * from './job-view';
export * from './job-events';
export * from './response-cache/response-cache-key';
export * from './response-cache/response-cache';
