/** Injection tokens for things that are not classes (or that exist once per process per role). */
export const SWITCHYARD_CONFIG = Symbol('SWITCHYARD_CONFIG');
/** Waits and reconnects: for workers and anything that must not drop a step. */
export const REDIS_CONSUMER = Symbol('REDIS_CONSUMER');
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
/** BullMQ's producer connection, kept apart from the stores' (see the core module). */
export const REDIS_QUEUE = Symbol('REDIS_QUEUE');
/** The process's ReadinessCheck[] beside Redis (see HealthController). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
