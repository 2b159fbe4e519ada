import {
  METADATA_FIELD_PREFIX,
  RULE_COMBINATORS,
  RULE_FIELDS,
  RULE_OPERATORS,
  type RoutingRule,
  type RuleAction,
  type RuleCondition,
  type RuleOperator,
  type RuleScalar,
} from '../rules/rule.types';
import { rulePatternProblem } from '../rules/rule-regex';
import type { RoutingIssue } from '../routing-table.types';
import { readCapabilities } from './capability-list';
import { describeValue } from './describe-value';
import { didYouMean } from './did-you-mean';
import { isMapping } from './field-validation';
import { childPath, indexPath } from './issue-path';
import type { ModelDirectory } from './model-directory';
import { SAFE_NAME } from './names';
import { checkChain, type ChainLink } from './model-chain';
import { readPrimary } from './split-entries';

const RULE_KEYS = ['name', 'when', 'use'] as const;
const ACTION_KEYS = ['primary', 'fallbacks', 'budget', 'require', 'exclude_providers'] as const;
const ACTION_BUDGET_KEYS = ['max_cost_usd', 'latency_ms'] as const;

type FieldKind = 'count' | 'boolean' | 'response_format' | 'string' | 'metadata';

const FIELD_KINDS: Record<(typeof RULE_FIELDS)[number], FieldKind> = {
  input_tokens: 'count',
  messages: 'count',
  has_image: 'boolean',
  has_tools: 'boolean',
  response_format: 'response_format',
  tenant: 'string',
};

/** Which operators make sense on which kind of field; anything else is a mistake in the file. */
const OPERATORS_BY_KIND: Record<FieldKind, readonly RuleOperator[]> = {
  count: ['eq', 'in', 'gt', 'gte', 'lt', 'lte'],
  boolean: ['eq'],
  response_format: ['eq', 'in'],
  string: ['eq', 'in', 'matches'],
  metadata: RULE_OPERATORS,
};

const RESPONSE_FORMATS = ['text', 'json_schema'] as const;

interface Context {
  fromEnv: ReadonlySet<string>;
  issues: RoutingIssue[];
}

export interface RuleEntriesResult {
  rules: RoutingRule[];
  issues: RoutingIssue[];
}

/**
 * Validates a task's `rules:` list. Every problem is reported at its own path; a rule with any
 * problem is left out (the table then fails to load anyway).
 */
export function readRuleEntries(
  raw: unknown,
  path: string,
  fromEnv: ReadonlySet<string>,
  models: ModelDirectory,
): RuleEntriesResult {
  const ctx: Context = { fromEnv, issues: [] };
  if (!Array.isArray(raw)) {
    ctx.issues.push({ path, message: `must be a list of rules, got ${describeValue(raw)}` });
    return { rules: [], issues: ctx.issues };
  }
  const rules: RoutingRule[] = [];
  const namedAt = new Map<string, string>();
  raw.forEach((entry, i) => {
    const rulePath = indexPath(path, i);
    const before = ctx.issues.length;
    const rule = readRule(entry, rulePath, ctx, models);
    if (rule) {
      const earlier = namedAt.get(rule.name);
      if (earlier !== undefined) {
        ctx.issues.push({
          path: `${rulePath}.name`,
          message: `${JSON.stringify(rule.name)} is already the name of ${earlier}`,
        });
      }
      namedAt.set(rule.name, rulePath);
    }
    if (rule && ctx.issues.length === before) rules.push(rule);
  });
  return { rules, issues: ctx.issues };
}

function readRule(
  raw: unknown,
  path: string,
  ctx: Context,
  models: ModelDirectory,
): RoutingRule | undefined {
  if (!isMapping(raw)) {
    ctx.issues.push({
      path,
      message: `must be a mapping with name, when and use, got ${describeValue(raw)}`,
    });
    return undefined;
  }
  unknownKeys(raw, RULE_KEYS, path, ctx, 'field');
  const name = raw.name;
  if (name === undefined) ctx.issues.push({ path: `${path}.name`, message: 'is required' });
  else if (typeof name !== 'string' || !SAFE_NAME.test(name)) {
    ctx.issues.push({
      path: `${path}.name`,
      message: `must be a name of letters, digits, "-" and "_" (starting with a letter or digit), got ${shown(name, `${path}.name`, ctx)}`,
    });
  }
  let when: RuleCondition | undefined;
  if (raw.when === undefined) ctx.issues.push({ path: `${path}.when`, message: 'is required' });
  else when = readCondition(raw.when, `${path}.when`, ctx);
  let use: RuleAction | undefined;
  if (raw.use === undefined) ctx.issues.push({ path: `${path}.use`, message: 'is required' });
  else use = readAction(raw.use, `${path}.use`, ctx, models);
  if (typeof name !== 'string' || !when || !use) return undefined;
  return { name, when, use };
}

/**
 * A mapping of conditions that must all hold: field names (`input_tokens`, `metadata.tier`) with
 * an operator mapping (`{ gt: 6000 }`) or a bare value (short for `eq`), and the combinators
 * `all` / `any` (lists of such mappings) and `not` (one mapping).
 */
function readCondition(raw: unknown, path: string, ctx: Context): RuleCondition | undefined {
  if (!isMapping(raw)) {
    ctx.issues.push({
      path,
      message: `must be a mapping of conditions, got ${describeValue(raw)}`,
    });
    return undefined;
  }
  const entries = Object.entries(raw);
  if (entries.length === 0) {
    ctx.issues.push({ path, message: 'must name at least one condition' });
    return undefined;
  }
  const parts: RuleCondition[] = [];
  let ok = true;
  for (const [key, value] of entries) {
    const keyPath = childPath(path, key);
    const part = readConditionEntry(key, value, keyPath, ctx);
    if (part) parts.push(part);
    else ok = false;
  }
  if (!ok) return undefined;
  return parts.length === 1 ? parts[0] : { all: parts };
}

function readConditionEntry(
  key: string,
  value: unknown,
  path: string,
  ctx: Context,
): RuleCondition | undefined {
  if (key === 'all' || key === 'any') {
    if (!Array.isArray(value) || value.length === 0) {
      ctx.issues.push({
        path,
        message: `must be a non-empty list of conditions, got ${describeValue(value)}`,
      });
      return undefined;
    }
    const parts = value.map((c, i) => readCondition(c, indexPath(path, i), ctx));
    if (parts.some((p) => p === undefined)) return undefined;
    return key === 'all' ? { all: parts as RuleCondition[] } : { any: parts as RuleCondition[] };
  }
  if (key === 'not') {
    const inner = readCondition(value, path, ctx);
    return inner && { not: inner };
  }
  const kind = fieldKind(key);
  if (!kind) {
    const known = [...RULE_FIELDS, ...RULE_COMBINATORS, `${METADATA_FIELD_PREFIX}<key>`];
    const hint = didYouMean(key, [...RULE_FIELDS, ...RULE_COMBINATORS]);
    ctx.issues.push({
      path,
      message: `unknown condition${hint}; expected one of ${known.join(', ')}`,
    });
    return undefined;
  }
  const operators = isMapping(value) ? Object.entries(value) : [['eq', value] as const];
  if (operators.length === 0) {
    ctx.issues.push({ path, message: 'must name at least one operator' });
    return undefined;
  }
  const comparisons: RuleCondition[] = [];
  let ok = true;
  for (const [op, operand] of operators) {
    const opPath = isMapping(value) ? childPath(path, op) : path;
    const comparison = readComparison(key, kind, op, operand, opPath, ctx);
    if (comparison) comparisons.push(comparison);
    else ok = false;
  }
  if (!ok) return undefined;
  return comparisons.length === 1 ? comparisons[0] : { all: comparisons };
}

function fieldKind(key: string): FieldKind | undefined {
  if (key.startsWith(METADATA_FIELD_PREFIX) && key.length > METADATA_FIELD_PREFIX.length) {
    return 'metadata';
  }
  return (FIELD_KINDS as Record<string, FieldKind>)[key];
}

function readComparison(
  field: string,
  kind: FieldKind,
  op: string,
  operand: unknown,
  path: string,
  ctx: Context,
): RuleCondition | undefined {
  const allowed = OPERATORS_BY_KIND[kind];
  if (!(allowed as readonly string[]).includes(op)) {
    const known = (RULE_OPERATORS as readonly string[]).includes(op);
    ctx.issues.push({
      path,
      message: known
        ? `${op} does not apply to ${field}; use one of ${allowed.join(', ')}`
        : `unknown operator${didYouMean(op, allowed)}; expected one of ${allowed.join(', ')}`,
    });
    return undefined;
  }
  const operator = op as RuleOperator;
  if (operator === 'in') {
    if (!Array.isArray(operand) || operand.length === 0) {
      ctx.issues.push({
        path,
        message: `must be a non-empty list of values, got ${shown(operand, path, ctx)}`,
      });
      return undefined;
    }
    const values = operand.map((v, i) => readOperand(kind, v, indexPath(path, i), ctx));
    if (values.some((v) => v === undefined)) return undefined;
    return { field, op: operator, value: values as RuleScalar[] };
  }
  if (operator === 'matches') {
    if (typeof operand !== 'string') {
      ctx.issues.push({
        path,
        message: `must be a regular expression string, got ${shown(operand, path, ctx)}`,
      });
      return undefined;
    }
    const problem = rulePatternProblem(operand);
    if (problem) {
      ctx.issues.push({ path, message: problem });
      return undefined;
    }
    return { field, op: operator, value: operand };
  }
  if (operator !== 'eq') {
    if (typeof operand !== 'number' || !Number.isFinite(operand)) {
      ctx.issues.push({ path, message: `must be a number, got ${shown(operand, path, ctx)}` });
      return undefined;
    }
    return { field, op: operator, value: operand };
  }
  const value = readOperand(kind, operand, path, ctx);
  return value === undefined ? undefined : { field, op: operator, value };
}

function readOperand(
  kind: FieldKind,
  value: unknown,
  path: string,
  ctx: Context,
): RuleScalar | undefined {
  const fail = (expected: string): undefined => {
    ctx.issues.push({ path, message: `must be ${expected}, got ${shown(value, path, ctx)}` });
    return undefined;
  };
  switch (kind) {
    case 'count':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0
        ? value
        : fail('a whole number');
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('true or false');
    case 'response_format':
      if (typeof value === 'string' && (RESPONSE_FORMATS as readonly string[]).includes(value)) {
        return value;
      }
      return fail(
        `one of ${RESPONSE_FORMATS.join(', ')}${typeof value === 'string' ? didYouMean(value, RESPONSE_FORMATS) : ''}`,
      );
    case 'string':
      return typeof value === 'string' ? value : fail('a string');
    case 'metadata':
      return typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number'
        ? value
        : fail('a string, number or boolean');
  }
}

function readAction(
  raw: unknown,
  path: string,
  ctx: Context,
  models: ModelDirectory,
): RuleAction | undefined {
  if (!isMapping(raw) || Object.keys(raw).length === 0) {
    ctx.issues.push({
      path,
      message: `must be a mapping with at least one of ${ACTION_KEYS.join(', ')}, got ${describeValue(raw)}`,
    });
    return undefined;
  }
  const before = ctx.issues.length;
  unknownKeys(raw, ACTION_KEYS, path, ctx, 'action');
  const action: RuleAction = {};
  const links: ChainLink[] = [];
  if (raw.primary !== undefined) {
    const primary = readPrimary(raw.primary, `${path}.primary`, ctx.fromEnv, ctx.issues);
    links.push(...primary.links);
    if (primary.split) action.split = primary.split;
    else if (primary.primary !== undefined) action.primary = primary.primary;
  }
  if (raw.fallbacks !== undefined) {
    if (Array.isArray(raw.fallbacks)) {
      raw.fallbacks.forEach((value, i) =>
        links.push({ value, path: indexPath(`${path}.fallbacks`, i) }),
      );
      action.fallbacks = raw.fallbacks as string[];
    } else {
      ctx.issues.push({
        path: `${path}.fallbacks`,
        message: `must be a list of "provider/model" strings, got ${describeValue(raw.fallbacks)}`,
      });
    }
  }
  checkChain(links, models, ctx.issues);
  if (raw.budget !== undefined) action.budget = readActionBudget(raw.budget, `${path}.budget`, ctx);
  if (raw.require !== undefined) {
    if (Array.isArray(raw.require)) {
      action.require = readCapabilities(raw.require, `${path}.require`, ctx.issues);
    } else {
      ctx.issues.push({
        path: `${path}.require`,
        message: `must be a list of capabilities, got ${describeValue(raw.require)}`,
      });
    }
  }
  if (raw.exclude_providers !== undefined) {
    action.exclude_providers = readProviderList(
      raw.exclude_providers,
      `${path}.exclude_providers`,
      ctx,
      models,
    );
  }
  return ctx.issues.length === before ? action : undefined;
}

function readActionBudget(
  raw: unknown,
  path: string,
  ctx: Context,
): RuleAction['budget'] | undefined {
  if (!isMapping(raw)) {
    ctx.issues.push({ path, message: `must be a mapping, got ${describeValue(raw)}` });
    return undefined;
  }
  unknownKeys(raw, ACTION_BUDGET_KEYS, path, ctx, 'field', ' (a rule may set only these)');
  const budget: NonNullable<RuleAction['budget']> = {};
  const cost = raw.max_cost_usd;
  if (cost !== undefined) {
    if (typeof cost === 'number' && Number.isFinite(cost) && cost > 0) budget.max_cost_usd = cost;
    else
      ctx.issues.push({
        path: `${path}.max_cost_usd`,
        message: `must be a number (USD) greater than 0, got ${shown(cost, `${path}.max_cost_usd`, ctx)}`,
      });
  }
  const latency = raw.latency_ms;
  if (latency !== undefined) {
    if (typeof latency === 'number' && Number.isInteger(latency) && latency >= 1) {
      budget.latency_ms = latency;
    } else
      ctx.issues.push({
        path: `${path}.latency_ms`,
        message: `must be a whole number of milliseconds, at least 1, got ${shown(latency, `${path}.latency_ms`, ctx)}`,
      });
  }
  return budget;
}

function readProviderList(
  raw: unknown,
  path: string,
  ctx: Context,
  models: ModelDirectory,
): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    ctx.issues.push({
      path,
      message: `must be a non-empty list of provider names, got ${describeValue(raw)}`,
    });
    return [];
  }
  const providers: string[] = [];
  raw.forEach((entry, i) => {
    if (typeof entry === 'string' && models.declaredProviders.has(entry)) {
      if (!providers.includes(entry)) providers.push(entry);
      return;
    }
    const hint = typeof entry === 'string' ? didYouMean(entry, models.declaredProviders) : '';
    ctx.issues.push({
      path: indexPath(path, i),
      message: `unknown provider ${shown(entry, indexPath(path, i), ctx)}${hint}; expected one declared under providers`,
    });
  });
  return providers;
}

function unknownKeys(
  raw: Record<string, unknown>,
  known: readonly string[],
  path: string,
  ctx: Context,
  what: string,
  note = '',
): void {
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    ctx.issues.push({
      path: childPath(path, key),
      message: `unknown ${what}${didYouMean(key, known)}; expected one of ${known.join(', ')}${note}`,
    });
  }
}

/** A value from the environment may be a secret: never echoed. */
function shown(value: unknown, path: string, ctx: Context): string {
  return ctx.fromEnv.has(path) ? 'a value that is not shown' : describeValue(value);
}
