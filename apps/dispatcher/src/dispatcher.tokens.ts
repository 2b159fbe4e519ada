/** DI tokens of the dispatcher app. */
export const DISPATCHER_REDIS = Symbol('DISPATCHER_REDIS');
