export * from './routing-table.types';
export * from './routing-defaults';
export * from './routing-table-error';
export * from './format-usd';
export { parseRoutingTable, type RoutingTableOptions } from './loading/parse-routing-table';
export { loadRoutingTable } from './loading/load-routing-table';
export {
  defaultCatalogPath,
  loadModelCatalog,
  parseModelCatalog,
  type ModelCatalog,
} from './loading/model-catalog';
export { interpolateEnv, type InterpolationResult } from './loading/env-interpolation';
export * from './loading/routing-table-holder';
export * from './planning/plan.types';
export * from './policy/error-policy';
export * from './policy/circuit-keys';
export * from './policy/candidate-gate';
export { planJob, requiredCapabilities } from './planning/plan-job';
export * from './planning/cost-estimation';
export * from './planning/job-budget';
export * from './planning/limiter-wait';
export * from './planning/pinned-task';
export * from './budgets/daily-spend.types';
export { DAY_MS, dayEnd, isUtcDay, utcDay } from './budgets/utc-day';
export { fromMicroUsd, toMicroUsd } from './budgets/micro-usd';
export { percentile } from './latency/percentile';
export * from './budgets/daily-budget-gate';
export { formatUsd } from './format-usd';
export { providerPolicyProblem, tenantConfig } from './tenants/tenant-policy';
export * from './rules/rule.types';
export { matchRule, conditionHolds, applyRule, type RuleMatch } from './rules/match-rule';
export { ruleSignals, type RuleSignalsInput } from './rules/rule-signals';
export { routeJob, type JobRoute } from './rules/route-job';
export * from './splits/split.types';
export { splitDraw, drawSplitArm, splitLabel, applySplit } from './splits/draw-split';
export { evalRunDue, parseEvalSchedule, type EvalSchedule } from './validation/eval-schedule';
