import type { Capability } from '../capabilities';
import type { SplitArm } from '../splits/split.types';

export const RULE_OPERATORS = ['eq', 'in', 'gt', 'gte', 'lt', 'lte', 'matches'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** The request facts a rule can test; `metadata.<key>` reads one key of the job's metadata. */
export const RULE_FIELDS = [
  'input_tokens',
  'has_image',
  'has_tools',
  'response_format',
  'messages',
  'tenant',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];
export const METADATA_FIELD_PREFIX = 'metadata.';

export const RULE_COMBINATORS = ['all', 'any', 'not'] as const;

export type RuleScalar = string | number | boolean;

/** One test of one field, e.g. `{ field: "input_tokens", op: "gt", value: 6000 }`. */
export interface RuleComparison {
  /** A RuleField or `metadata.<key>` */
  field: string;
  op: RuleOperator;
  /** A list for `in`, a pattern (RE2 syntax) for `matches`, else one scalar */
  value: RuleScalar | RuleScalar[];
}

export type RuleCondition =
  { all: RuleCondition[] } | { any: RuleCondition[] } | { not: RuleCondition } | RuleComparison;

/** What a matching rule changes for the job; absent parts keep the task's settings. */
export interface RuleAction {
  /** Replaces the task's primary (also its split, if it has one) */
  primary?: string;
  /** A weighted primary instead of one model: drawn per job like a task's split */
  split?: SplitArm[];
  /** Replaces the task's fallbacks */
  fallbacks?: string[];
  /** Replaces these limits of the task's budget: tighter or looser */
  budget?: { max_cost_usd?: number; latency_ms?: number };
  /** Capabilities every candidate must have, on top of the task's `requires` */
  require?: Capability[];
  /** Providers none of whose models may serve the job */
  exclude_providers?: string[];
}

export interface RoutingRule {
  name: string;
  when: RuleCondition;
  use: RuleAction;
}

/** What the rules look at, computed once per job from its request (see ruleSignals). */
export interface RuleSignals {
  /** The planner's estimate (characters / 4 plus 1000 per image) */
  input_tokens: number;
  has_image: boolean;
  /** The job offers tools, or its conversation carries tool calls or results */
  has_tools: boolean;
  /** `text` when the job sets none */
  response_format: 'text' | 'json_schema';
  /** How many messages the job sends */
  messages: number;
  metadata: Readonly<Record<string, unknown>>;
  tenant: string;
}
