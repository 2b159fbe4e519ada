import { ON_INVALID_OUTPUT_ACTIONS } from '../routing-table.types';
import type { FieldRules } from '../validation/field-validation';
import {
  isAtLeast,
  isAtMost,
  isBoolean,
  isFiniteNumber,
  isList,
  isMappingValue,
  isOneOf,
  isPositive,
  isWholeNumber,
} from './field-checks';

/** One week: a cached answer older than that is more likely stale than useful. */
export const MAX_CACHE_TTL_S = 7 * 24 * 3600;

export const usdAboveZero = [
  isFiniteNumber('must be a number (USD)'),
  isPositive('must be greater than 0'),
] as const;

export const alertAtChecks = [
  isFiniteNumber('must be a number in (0, 1]'),
  isPositive('must be in (0, 1]'),
  isAtMost(1, 'must be in (0, 1]'),
] as const;

export interface TaskBudgetFields {
  max_cost_usd?: number;
  latency_ms?: number;
  daily_usd?: number;
  alert_at?: number;
}

export const TASK_BUDGET_FIELDS: FieldRules<TaskBudgetFields> = {
  max_cost_usd: { presence: 'optional', checks: usdAboveZero },
  latency_ms: {
    presence: 'optional',
    checks: [
      isWholeNumber('must be a whole number of milliseconds'),
      isAtLeast(1, 'must be at least 1'),
    ],
  },
  daily_usd: { presence: 'optional', checks: usdAboveZero },
  alert_at: { presence: 'optional', checks: alertAtChecks },
};

export interface RetryFields {
  attempts?: number;
  backoff_ms?: number;
}

export const RETRY_FIELDS: FieldRules<RetryFields> = {
  attempts: {
    presence: 'optional',
    checks: [
      isWholeNumber('must be a whole number'),
      isAtLeast(1, 'must be at least 1 (1 means no retry)'),
      isAtMost(10, 'must be at most 10'),
    ],
  },
  backoff_ms: {
    presence: 'optional',
    checks: [
      isWholeNumber('must be a whole number of milliseconds'),
      isAtLeast(0, 'must not be negative'),
    ],
  },
};

export interface LedgerPolicyFields {
  store_prompts?: boolean;
  store_responses?: boolean;
  max_chars?: number;
}

export const LEDGER_POLICY_FIELDS: FieldRules<LedgerPolicyFields> = {
  store_prompts: { presence: 'optional', checks: [isBoolean('must be true or false')] },
  store_responses: { presence: 'optional', checks: [isBoolean('must be true or false')] },
  max_chars: {
    presence: 'optional',
    checks: [
      isWholeNumber('must be a whole number of characters'),
      isAtLeast(1, 'must be at least 1'),
    ],
  },
};

export interface TaskCacheFields {
  ttl_s: number;
}

export const TASK_CACHE_FIELDS: FieldRules<TaskCacheFields> = {
  ttl_s: {
    presence: 'required',
    checks: [
      isWholeNumber('must be a whole number of seconds'),
      isAtLeast(1, 'must be at least 1'),
      isAtMost(MAX_CACHE_TTL_S, `must be at most ${MAX_CACHE_TTL_S} (one week)`),
    ],
  },
};

/** A task of the `tasks:` section. */
export interface TaskFields {
  primary: unknown;
  fallbacks?: unknown[];
  requires?: unknown[];
  budget?: TaskBudgetFields;
  on_invalid_output?: string;
  retry?: RetryFields;
  max_tokens?: number;
  ledger?: LedgerPolicyFields;
  cache?: TaskCacheFields;
  rules?: unknown[];
  evals?: unknown;
}

const mapping = (message = 'must be a mapping') => [isMappingValue(message)] as const;

export const TASK_FIELDS: FieldRules<TaskFields> = {
  // A "provider/model" or a weighted list of them: checked by readPrimary, arm by arm.
  primary: { presence: 'required' },
  // Entries are checked one by one afterwards, so each bad one gets its own indexed path.
  fallbacks: {
    presence: 'optional',
    checks: [isList('must be a list of "provider/model" strings')],
  },
  requires: { presence: 'optional', checks: [isList('must be a list of capabilities')] },
  budget: { presence: 'optional', checks: mapping(), nested: TASK_BUDGET_FIELDS },
  on_invalid_output: {
    presence: 'optional',
    checks: [
      isOneOf(ON_INVALID_OUTPUT_ACTIONS, `must be one of ${ON_INVALID_OUTPUT_ACTIONS.join(', ')}`),
    ],
  },
  retry: { presence: 'optional', checks: mapping(), nested: RETRY_FIELDS },
  max_tokens: {
    presence: 'optional',
    checks: [isWholeNumber('must be a whole number of tokens'), isAtLeast(1, 'must be at least 1')],
  },
  ledger: { presence: 'optional', checks: mapping(), nested: LEDGER_POLICY_FIELDS },
  cache: {
    presence: 'optional',
    checks: mapping('must be a mapping such as { ttl_s: 3600 }'),
    nested: TASK_CACHE_FIELDS,
  },
  // Checked by readRuleEntries, which reports each condition and action at its own path.
  rules: { presence: 'optional', checks: [isList('must be a list of rules')] },
  // Checked key by key in validation/eval-schedule.ts, so each problem gets its own path.
  evals: { presence: 'allowed' },
};
