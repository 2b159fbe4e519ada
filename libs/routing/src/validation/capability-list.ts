import { CAPABILITIES, type Capability, type RoutingIssue } from '../routing-table.types';
import { describeValue } from './describe-value';
import { didYouMean } from './did-you-mean';
import { indexPath } from './issue-path';

export function isCapability(value: unknown): value is Capability {
  return typeof value === 'string' && (CAPABILITIES as readonly string[]).includes(value);
}

/** Checks a list the DTO already knows is an array, reporting each bad entry at its index. */
export function readCapabilities(
  list: readonly unknown[],
  path: string,
  issues: RoutingIssue[],
): Capability[] {
  const capabilities: Capability[] = [];
  list.forEach((entry, i) => {
    if (isCapability(entry)) {
      if (!capabilities.includes(entry)) capabilities.push(entry);
      return;
    }
    const hint = typeof entry === 'string' ? didYouMean(entry, CAPABILITIES) : '';
    issues.push({
      path: indexPath(path, i),
      message: `unknown capability ${describeValue(entry)}${hint}; expected one of ${CAPABILITIES.join(', ')}`,
    });
  });
  return capabilities;
}
