import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import type { RoutingIssue } from '../routing-table.types';
import { didYouMean } from './did-you-mean';
import { childPath } from './issue-path';
import { describeValue } from './describe-value';

export type DtoClass<T extends object> = new () => T;

export interface DtoValidationResult<T> {
  /** Present when the value was a mapping (even if some fields are wrong). */
  instance?: T;
  issues: RoutingIssue[];
}

/**
 * Runs class-validator over one mapping of the routes file and turns its error tree into
 * path-addressed issues: one message per field, unknown fields named with a suggestion, and the
 * offending value shown unless it came from the environment (it may be a secret).
 */
export function validateDto<T extends object>(
  dto: DtoClass<T>,
  value: unknown,
  path: string,
  fromEnv: ReadonlySet<string>,
): DtoValidationResult<T> {
  if (!isMapping(value)) {
    return { issues: [{ path, message: `must be a mapping, got ${describeValue(value)}` }] };
  }
  const instance = plainToInstance(dto, value);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    validationError: { target: true, value: true },
  });
  const issues: RoutingIssue[] = [];
  for (const error of errors) collectIssues(error, path, fromEnv, issues);
  return { instance, issues };
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function collectIssues(
  error: ValidationError,
  parentPath: string,
  fromEnv: ReadonlySet<string>,
  issues: RoutingIssue[],
): void {
  const path = childPath(parentPath, error.property);
  const constraints = error.constraints ?? {};
  if ('whitelistValidation' in constraints) {
    const known = error.target ? knownFields(error.target.constructor) : [];
    issues.push({ path, message: `unknown field${didYouMean(error.property, known)}` });
  } else {
    // class-validator runs a property's decorators bottom-up, so the last failure recorded is the
    // top-most decorator: the type check, which says more than a range check on the wrong type.
    const message = constraints.isDefined ?? Object.values(constraints).pop();
    if (message !== undefined) {
      const shown =
        error.value === undefined || constraints.isDefined
          ? ''
          : `, got ${fromEnv.has(path) || path.endsWith('api_key_env') ? 'a value that is not shown' : describeValue(error.value)}`;
      issues.push({ path, message: `${message}${shown}` });
    }
  }
  for (const child of error.children ?? []) collectIssues(child, path, fromEnv, issues);
}

function knownFields(target: unknown): string[] {
  if (typeof target !== 'function') return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}
