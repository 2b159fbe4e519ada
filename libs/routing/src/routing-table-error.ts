import type { RoutingIssue } from './routing-table.types';

/** Thrown when a routes file cannot be loaded; carries every problem found, not just the first. */
export class RoutingTableError extends Error {
  override readonly name = 'RoutingTableError';
  readonly issues: RoutingIssue[];
  readonly source: string;

  constructor(source: string, issues: RoutingIssue[]) {
    super(
      `${source}: ${issues.length} error${issues.length === 1 ? '' : 's'}\n` +
        issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n'),
    );
    this.source = source;
    this.issues = issues;
  }
}
