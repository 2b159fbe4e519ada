import type { RoutingIssue } from '../routing-table.types';
import type { SplitArm } from '../splits/split.types';
import { describeValue } from './describe-value';
import { didYouMean } from './did-you-mean';
import { isMapping } from './field-validation';
import { childPath, indexPath } from './issue-path';
import type { ChainLink } from './model-chain';

const ARM_KEYS = ['model', 'weight'] as const;

export interface PrimaryEntry {
  /** The model ids to check with the rest of the chain (each at its own path) */
  links: ChainLink[];
  /** One model, or the first arm of a split (so code needing one id has one) */
  primary?: string;
  /** Present when the primary is a weighted list */
  split?: SplitArm[];
}

/**
 * A `primary:` (of a task, or of a rule's `use`) is either one "provider/model" or a weighted list
 * `[{ model, weight }, ...]` of at least two arms. Model ids are returned as chain links, so the
 * caller checks them together with the fallbacks (unknown models, a model twice in the chain).
 */
export function readPrimary(
  raw: unknown,
  path: string,
  fromEnv: ReadonlySet<string>,
  issues: RoutingIssue[],
): PrimaryEntry {
  if (typeof raw === 'string') {
    return { links: [{ value: raw, path }], primary: raw };
  }
  if (!Array.isArray(raw)) {
    issues.push({
      path,
      message: `must be a "provider/model" string or a weighted list of { model, weight }, got ${fromEnv.has(path) ? 'a value that is not shown' : describeValue(raw)}`,
    });
    return { links: [] };
  }
  if (raw.length < 2) {
    issues.push({
      path,
      message:
        'a weighted primary needs at least two { model, weight } arms (one model is a plain primary)',
    });
    return { links: [] };
  }
  const links: ChainLink[] = [];
  const split: SplitArm[] = [];
  const before = issues.length;
  raw.forEach((arm, i) => {
    const armPath = indexPath(path, i);
    if (!isMapping(arm)) {
      issues.push({
        path: armPath,
        message: `must be a mapping { model, weight }, got ${describeValue(arm)}`,
      });
      return;
    }
    for (const key of Object.keys(arm)) {
      if ((ARM_KEYS as readonly string[]).includes(key)) continue;
      issues.push({
        path: childPath(armPath, key),
        message: `unknown field${didYouMean(key, ARM_KEYS)}; expected model, weight`,
      });
    }
    if (arm.model === undefined) issues.push({ path: `${armPath}.model`, message: 'is required' });
    else links.push({ value: arm.model, path: `${armPath}.model` });
    const weight = arm.weight;
    const weightPath = `${armPath}.weight`;
    if (weight === undefined) issues.push({ path: weightPath, message: 'is required' });
    else if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      issues.push({
        path: weightPath,
        message: `must be a number greater than 0, got ${fromEnv.has(weightPath) ? 'a value that is not shown' : describeValue(weight)}`,
      });
    }
    split.push({ model: arm.model as string, weight: weight as number });
  });
  if (issues.length > before) return { links };
  return { links, primary: split[0].model, split };
}
