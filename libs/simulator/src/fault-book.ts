import type { FaultRule } from './scenario-types';

function isWildcard(value: string | undefined): boolean {
  return value === undefined || value === '*';
}

function sameTarget(a: FaultRule, b: FaultRule): boolean {
  const norm = (v: string | undefined) => (isWildcard(v) ? '*' : v);
  return norm(a.provider) === norm(b.provider) && norm(a.model) === norm(b.model);
}

/** Provider-wide rules apply first, model-specific ones override them field by field. */
function specificity(rule: FaultRule): number {
  return (isWildcard(rule.provider) ? 0 : 1) + (isWildcard(rule.model) ? 0 : 2);
}

/** The fault rules in force, keyed by provider name and (optionally) model. */
export class FaultBook {
  private rules: FaultRule[] = [];

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  replace(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
  }

  /** Merges the rule into the one with the same provider and model, or adds it. */
  upsert(rule: FaultRule): void {
    const existing = this.rules.find((r) => sameTarget(r, rule));
    if (existing) Object.assign(existing, rule);
    else this.rules.push({ ...rule });
  }

  /** Removes the rules aimed exactly at this provider/model, or every rule when both are absent. */
  remove(target: { provider?: string; model?: string } = {}): number {
    const before = this.rules.length;
    if (target.provider === undefined && target.model === undefined) this.rules = [];
    else this.rules = this.rules.filter((r) => !sameTarget(r, target));
    return before - this.rules.length;
  }

  /** Everything that applies to one call, merged from the least to the most specific rule. */
  resolve(provider: string, model: string): FaultRule {
    const matching = this.rules
      .filter(
        (r) =>
          (isWildcard(r.provider) || r.provider === provider) &&
          (isWildcard(r.model) || r.model === model),
      )
      .sort((a, b) => specificity(a) - specificity(b));
    const merged: FaultRule = {};
    for (const rule of matching) Object.assign(merged, rule);
    return merged;
  }
}
