export * from './test-redis';
export * from './managed-process';
export * from './switchyard-stack';
export * from './webhook-test-receiver';
export * from './redis-server';
export * from './wait-for';
export * from './job-record-fixture';
