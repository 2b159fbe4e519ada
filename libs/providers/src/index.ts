export * from './provider.types';
export * from './provider-error';
