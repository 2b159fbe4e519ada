export * from './routing-table.types';
