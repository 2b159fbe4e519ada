export * from './queue-names';
export * from './queue-jobs';
export * from './queue-registry';
export * from './redis-connection';
export * from './redis-script';
export * from './provider-pauses';
export * from './provider-limiters';
