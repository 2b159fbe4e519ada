export * from './scenario-types';
export * from './scenario-error';
export {
  parseFaultRule,
  parseFaultRules,
  parseScenario,
  INJECTABLE_STATUSES,
} from './scenario-validation';
export { loadScenarioFile } from './scenario-loader';
export { DEFAULT_REVISIONS, defaultRevisionFor } from './model-revisions';
export { sampleFromSchema, violateSchema } from './schema-sample';
export type { CallOutcome, ModelStats, ProviderStats, StatsSnapshot } from './simulator-stats';
export type { RecordedRequest } from './request-log';
export type { WireApi } from './wire/wire-format';
export { SimulatorState } from './simulator-state';
export { startSimulator, type RunningSimulator, type SimulatorOptions } from './simulator-server';
