/** Injection tokens for things that are not classes (or that exist once per process per role). */
export const SWITCHYARD_CONFIG = Symbol('SWITCHYARD_CONFIG');
/** Fails fast while Redis is down: for request handling. */
export const REDIS_PRODUCER = Symbol('REDIS_PRODUCER');
/** Waits and reconnects: for workers and anything that must not drop a step. */
export const REDIS_CONSUMER = Symbol('REDIS_CONSUMER');
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
