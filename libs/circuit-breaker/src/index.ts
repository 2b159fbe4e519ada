export * from './circuit-breaker.types';
export * from './circuit-breaker-options';
export * from './circuit-breaker';
export * from './circuit-incident-log';
