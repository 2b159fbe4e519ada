import type { RoutingIssue } from '../routing-table.types';
import { describeValue } from './describe-value';
import { closestMatch } from './did-you-mean';
import type { ModelDirectory } from './model-directory';
import { splitModelId } from './names';

export interface ChainLink {
  value: unknown;
  path: string;
}

/** Each link must be a known, usable model, and none may appear twice. */
export function checkChain(
  links: readonly ChainLink[],
  models: ModelDirectory,
  issues: RoutingIssue[],
): void {
  const seenAt = new Map<string, string>();
  for (const link of links) {
    if (typeof link.value !== 'string' || !splitModelId(link.value)) {
      issues.push({
        path: link.path,
        message: `must be a "provider/model" string, got ${describeValue(link.value)}`,
      });
      continue;
    }
    const id = link.value;
    const firstSeen = seenAt.get(id);
    if (firstSeen !== undefined) {
      issues.push({
        path: link.path,
        message: `${JSON.stringify(id)} appears twice in the chain (already at ${firstSeen})`,
      });
      continue;
    }
    seenAt.set(id, link.path);
    const problem = chainLinkProblem(id, models);
    if (problem) issues.push({ path: link.path, message: problem });
  }
}

function chainLinkProblem(id: string, models: ModelDirectory): string | undefined {
  const model = models.all.get(id);
  if (!model) {
    const suggestion = closestMatch(id, models.suggestionPool());
    const hint = suggestion
      ? ` (did you mean ${JSON.stringify(suggestion)}?)`
      : '; declare it under models: if it is new';
    return `unknown model ${JSON.stringify(id)}${hint}`;
  }
  if (!models.declaredProviders.has(model.provider)) {
    return (
      `model ${JSON.stringify(id)} belongs to provider ${JSON.stringify(model.provider)}, ` +
      'which is not declared under providers'
    );
  }
  return undefined;
}
