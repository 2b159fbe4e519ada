export * from './switchyard-config';
export * from './webhook-delivery-config';
export * from './regression-config';
