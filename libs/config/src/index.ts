export * from './switchyard-config';
