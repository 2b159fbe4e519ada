import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CompiledSchemaCache, InvalidSchemaError, linearRegExpProblem } from '@switchyard/schemas';
import type { ChatMessage, ResponseFormat, ToolDefinition } from '@switchyard/providers';
import { EVAL_CHECK_TYPES, type EvalCheck, type EvalExample } from './eval.types';
import { parseJsonPath } from './json-path';

/** A dataset that cannot be used, with every problem found as `file:line: field: problem`. */
export class EvalDatasetError extends Error {
  override readonly name = 'EvalDatasetError';
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

/**
 * The simulator scenario that answers the shipped datasets, beside them in the evals directory
 * (`<SWITCHYARD_EVALS_DIR>/simulator-answers.yaml`); the all-in-one's bundled simulator loads it.
 */
export const SIMULATOR_ANSWERS_FILE = 'simulator-answers.yaml';

/** Task names become file names, so they stay plain: no separators, no dots. */
const TASK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const ROLES = ['system', 'user', 'assistant', 'tool'];
const MAX_PROBLEMS = 20;

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value}"`;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

/** Where a dataset lives: `<dir>/<task>.jsonl`. */
export function datasetPath(dir: string, task: string): string {
  if (!TASK_NAME.test(task)) {
    throw new EvalDatasetError(`task "${task}": a task name is letters, digits, "_" and "-"`);
  }
  return join(dir, `${task}.jsonl`);
}

/** Reads and validates `<dir>/<task>.jsonl`. */
export async function loadDataset(dir: string, task: string): Promise<EvalExample[]> {
  const path = datasetPath(dir, task);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new EvalDatasetError(`no dataset for task "${task}": ${path} does not exist`);
    }
    throw new EvalDatasetError(`${path}: ${(err as Error).message}`);
  }
  return parseDataset(text, path);
}

/**
 * Parses JSONL dataset text: one example a line, blank lines skipped. Collects the problems of
 * every line (up to 20) before failing, so one pass over a broken file shows what to fix.
 */
export function parseDataset(text: string, source = 'dataset'): EvalExample[] {
  const examples: EvalExample[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const schemas = new CompiledSchemaCache();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || problems.length >= MAX_PROBLEMS) return;
    const where = `${source}:${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      problems.push(`${where}: not valid JSON (${(err as Error).message})`);
      return;
    }
    const lineProblems: string[] = [];
    const example = parseExample(raw, lineProblems, schemas);
    if (example && seen.has(example.id)) {
      lineProblems.push(`id: "${example.id}" is already used on line ${seen.get(example.id)}`);
    }
    if (lineProblems.length > 0 || !example) {
      problems.push(...lineProblems.map((p) => `${where}: ${p}`));
      return;
    }
    seen.set(example.id, i + 1);
    examples.push(example);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    throw new EvalDatasetError(
      `${source}: ${problems.length === 1 ? 'a problem' : `${shown.length} problems`}:\n  ${shown.join('\n  ')}`,
      shown,
    );
  }
  if (examples.length === 0) throw new EvalDatasetError(`${source}: the dataset has no examples`);
  return examples;
}

function parseExample(
  raw: unknown,
  problems: string[],
  schemas: CompiledSchemaCache,
): EvalExample | undefined {
  if (!isRecord(raw)) {
    problems.push(`an example must be a JSON object, got ${describe(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!['id', 'messages', 'response_format', 'tools', 'expected', 'checks'].includes(key)) {
      problems.push(
        `${key}: not a field of an example (id, messages, response_format, tools, expected, checks)`,
      );
    }
  }
  if (typeof raw.id !== 'string' || raw.id.trim() === '') {
    problems.push('id: must be a non-empty string');
  }
  checkMessages(raw.messages, problems);
  checkResponseFormat(raw.response_format, problems, schemas);
  checkTools(raw.tools, problems);
  if (!Array.isArray(raw.checks) || raw.checks.length === 0) {
    problems.push('checks: must be a non-empty array of checks');
  } else {
    raw.checks.forEach((check, i) => checkCheck(check, `checks[${i}]`, raw, problems, schemas));
  }
  if (problems.length > 0) return undefined;
  return raw as unknown as EvalExample;
}

function checkMessages(messages: unknown, problems: string[]): void {
  if (!Array.isArray(messages) || messages.length === 0) {
    problems.push('messages: must be a non-empty array of {role, content}');
    return;
  }
  messages.forEach((message: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isRecord(message)) {
      problems.push(`${at}: must be an object {role, content}`);
      return;
    }
    if (typeof message.role !== 'string' || !ROLES.includes(message.role)) {
      problems.push(`${at}.role: must be one of ${ROLES.join(', ')}`);
    }
    const content = message.content;
    if (typeof content === 'string') return;
    if (!Array.isArray(content) || content.length === 0) {
      problems.push(`${at}.content: must be a string or a non-empty array of parts`);
      return;
    }
    content.forEach((part: unknown, j) => {
      const type = isRecord(part) ? part.type : undefined;
      if (type !== 'text' && type !== 'image') {
        problems.push(`${at}.content[${j}].type: must be "text" or "image"`);
      }
    });
  });
  const last = messages[messages.length - 1] as Partial<ChatMessage> | undefined;
  if (isRecord(last) && last.role !== 'user' && last.role !== 'tool') {
    problems.push(
      'messages: the last message must be a user (or tool) message for the model to answer',
    );
  }
}

function checkResponseFormat(
  format: unknown,
  problems: string[],
  schemas: CompiledSchemaCache,
): void {
  if (format === undefined) return;
  const f = format as Partial<ResponseFormat> & Raw;
  if (!isRecord(format) || (f.type !== 'text' && f.type !== 'json_schema')) {
    problems.push(
      'response_format: must be {"type": "text"} or {"type": "json_schema", "schema": {...}}',
    );
    return;
  }
  if (f.type === 'text') return;
  if (!isRecord(f.schema)) {
    problems.push('response_format.schema: must be a JSON Schema object');
    return;
  }
  schemaProblem(f.schema, 'response_format.schema', problems, schemas);
}

function schemaProblem(
  schema: Raw,
  at: string,
  problems: string[],
  schemas: CompiledSchemaCache,
): void {
  try {
    schemas.validator(schema);
  } catch (err) {
    if (!(err instanceof InvalidSchemaError)) throw err;
    problems.push(`${at}: ${err.message}`);
  }
}

function checkTools(tools: unknown, problems: string[]): void {
  if (tools === undefined) return;
  if (!Array.isArray(tools) || tools.length === 0) {
    problems.push('tools: must be a non-empty array of {name, description?, parameters}');
    return;
  }
  tools.forEach((tool: unknown, i) => {
    const t = tool as Partial<ToolDefinition> & Raw;
    if (!isRecord(tool) || typeof t.name !== 'string' || t.name === '') {
      problems.push(`tools[${i}].name: must be a non-empty string`);
    } else if (!isRecord(t.parameters)) {
      problems.push(`tools[${i}].parameters: must be a JSON Schema object`);
    }
  });
}

/** The fields each check type takes besides `type` and `weight`, and which are required. */
const CHECK_FIELDS: Record<EvalCheck['type'], { required: string[]; optional: string[] }> = {
  equals: { required: [], optional: ['value'] },
  contains: { required: ['value'], optional: ['ignore_case'] },
  not_contains: { required: ['value'], optional: ['ignore_case'] },
  regex: { required: ['pattern'], optional: ['flags'] },
  json_valid: { required: [], optional: ['schema'] },
  json_path_equals: { required: ['path', 'value'], optional: [] },
  number_close: { required: ['path', 'value', 'tolerance'], optional: [] },
  tool_called: { required: ['name'], optional: ['arguments'] },
  refusal: { required: [], optional: ['refused'] },
  max_latency_ms: { required: ['value'], optional: [] },
  max_cost_usd: { required: ['value'], optional: [] },
  judge: { required: ['task', 'rubric'], optional: [] },
};

function checkCheck(
  raw: unknown,
  at: string,
  example: Raw,
  problems: string[],
  schemas: CompiledSchemaCache,
): void {
  if (!isRecord(raw)) {
    problems.push(`${at}: must be an object {type, ...}`);
    return;
  }
  const type = raw.type as EvalCheck['type'];
  const fields = typeof type === 'string' ? CHECK_FIELDS[type] : undefined;
  if (!fields) {
    problems.push(
      `${at}.type: must be one of ${EVAL_CHECK_TYPES.join(', ')}; got ${describe(raw.type)}`,
    );
    return;
  }
  for (const key of Object.keys(raw)) {
    if (
      key !== 'type' &&
      key !== 'weight' &&
      ![...fields.required, ...fields.optional].includes(key)
    ) {
      const allowed = [...fields.required, ...fields.optional, 'weight'].join(', ');
      problems.push(`${at}.${key}: not a field of a ${type} check (${allowed})`);
    }
  }
  for (const key of fields.required) {
    if (raw[key] === undefined) problems.push(`${at}.${key}: required for a ${type} check`);
  }
  const problem = (field: string, text: string): void => {
    problems.push(`${at}.${field}: ${text}`);
  };
  const nonEmptyString = (field: string): void => {
    if (raw[field] !== undefined && (typeof raw[field] !== 'string' || raw[field] === '')) {
      problem(field, 'must be a non-empty string');
    }
  };
  const nonNegativeNumber = (field: string): void => {
    const v = raw[field];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      problem(field, `must be a number ≥ 0, got ${describe(v)}`);
    }
  };
  const boolean = (field: string): void => {
    if (raw[field] !== undefined && typeof raw[field] !== 'boolean')
      problem(field, 'must be true or false');
  };
  const jsonPath = (): void => {
    if (typeof raw.path !== 'string') {
      if (raw.path !== undefined) problem('path', 'must be a JSON path such as $.total');
      return;
    }
    const parsed = parseJsonPath(raw.path);
    if (!parsed.ok) problem('path', `${parsed.problem}`);
  };

  if (raw.weight !== undefined) {
    const w = raw.weight;
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
      problem('weight', `must be a number > 0, got ${describe(w)}`);
    }
  }
  switch (type) {
    case 'equals':
      if (raw.value !== undefined && typeof raw.value !== 'string')
        problem('value', 'must be a string');
      if (raw.value === undefined && typeof example.expected !== 'string') {
        problem('value', 'required unless the example has a string "expected"');
      }
      break;
    case 'contains':
    case 'not_contains':
      nonEmptyString('value');
      boolean('ignore_case');
      break;
    case 'regex':
      nonEmptyString('pattern');
      if (
        raw.flags !== undefined &&
        (typeof raw.flags !== 'string' || !/^[imsu]*$/.test(raw.flags))
      ) {
        problem('flags', 'must be a string of i, m, s and u');
      }
      if (typeof raw.pattern === 'string' && raw.pattern !== '') {
        try {
          new RegExp(raw.pattern, typeof raw.flags === 'string' ? raw.flags : undefined);
        } catch (err) {
          problem('pattern', `not a valid regular expression (${(err as Error).message})`);
          break;
        }
        // Model output is matched in the ingress process: only linear-time patterns.
        const linear = linearRegExpProblem(raw.pattern);
        if (linear) problem('pattern', linear);
      }
      break;
    case 'json_valid':
      if (raw.schema !== undefined) {
        if (!isRecord(raw.schema)) problem('schema', 'must be a JSON Schema object');
        else schemaProblem(raw.schema, `${at}.schema`, problems, schemas);
      }
      break;
    case 'json_path_equals':
      jsonPath();
      break;
    case 'number_close':
      jsonPath();
      if (
        raw.value !== undefined &&
        (typeof raw.value !== 'number' || !Number.isFinite(raw.value))
      ) {
        problem('value', `must be a number, got ${describe(raw.value)}`);
      }
      nonNegativeNumber('tolerance');
      break;
    case 'tool_called':
      nonEmptyString('name');
      if (raw.arguments !== undefined && !isRecord(raw.arguments)) {
        problem('arguments', 'must be an object of argument values');
      }
      break;
    case 'refusal':
      boolean('refused');
      break;
    case 'max_latency_ms':
    case 'max_cost_usd':
      nonNegativeNumber('value');
      break;
    case 'judge':
      nonEmptyString('task');
      nonEmptyString('rubric');
      break;
  }
}
