import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { newCompilingAjv } from './ajv-instances';
import { InvalidSchemaError } from './invalid-schema-error';
import { PatternBudget, SCHEMA_MAX_PATTERNS } from './pattern-budget';
import { draftOf } from './schema-drafts';
import { schemaShapeProblems } from './schema-shape';

export interface CompiledSchemaCacheLimits {
  /** Most compiled schemas kept */
  maxEntries: number;
  /** Most schema JSON (bytes) behind the kept entries: compiled code grows with it */
  maxSourceBytes: number;
}

export const DEFAULT_SCHEMA_CACHE_LIMITS: CompiledSchemaCacheLimits = {
  maxEntries: 256,
  maxSourceBytes: 8 * 1024 * 1024,
};

interface Entry {
  validate: ValidateFunction;
  bytes: number;
}

/** The cache key: a digest of the schema's JSON, so a key costs 32 bytes whatever the schema. */
export function schemaKey(json: string): string {
  return createHash('sha256').update(json).digest('base64url');
}

/**
 * Compiled validators, at most one per distinct schema, least recently used out first. Each
 * entry owns its ajv instance: ajv keeps every schema it ever compiled (and registers its `$id`),
 * so a shared instance grows without bound and refuses the second schema with a given `$id`.
 * Evicting an entry here releases everything the compile allocated.
 */
export class CompiledSchemaCache {
  private readonly entries = new Map<string, Entry>();
  private sourceBytes = 0;
  private compiles = 0;

  constructor(private readonly limits: CompiledSchemaCacheLimits = DEFAULT_SCHEMA_CACHE_LIMITS) {}

  get size(): number {
    return this.entries.size;
  }

  /** How many schemas this cache compiled (a hit compiles nothing). */
  get compileCount(): number {
    return this.compiles;
  }

  validator(schema: Record<string, unknown>): ValidateFunction {
    const json = JSON.stringify(schema);
    const key = schemaKey(json);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.validate;
    }
    const validate = this.compile(schema);
    const bytes = Buffer.byteLength(json);
    this.entries.set(key, { validate, bytes });
    this.sourceBytes += bytes;
    this.evict();
    return validate;
  }

  private compile(schema: Record<string, unknown>): ValidateFunction {
    // No time budget here: the ingress bounded the checking time already, and a busier worker
    // must not refuse a schema the ingress accepted (that would fail a job after its answer).
    const patterns = new PatternBudget({ maxPatterns: SCHEMA_MAX_PATTERNS, budgetMs: Infinity });
    const problems = schemaShapeProblems(schema, patterns);
    if (problems.length > 0) {
      throw new InvalidSchemaError(
        `the response schema is not valid: ${problems.map((p) => `${p.path || '(root)'} ${p.problem}`).join('; ')}`,
      );
    }
    const draft = draftOf(schema);
    const ajv = newCompilingAjv(draft.ok ? draft.draft : 'draft-07');
    this.compiles++;
    try {
      // A private copy: the validator must not change if the caller's object does.
      return ajv.compile(structuredClone(schema));
    } catch (err) {
      throw new InvalidSchemaError(
        `the response schema is not a valid JSON Schema: ${(err as Error).message}`,
      );
    }
  }

  private evict(): void {
    while (
      this.entries.size > 1 &&
      (this.entries.size > this.limits.maxEntries || this.sourceBytes > this.limits.maxSourceBytes)
    ) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldestKey);
      this.sourceBytes -= oldest.bytes;
    }
  }
}
