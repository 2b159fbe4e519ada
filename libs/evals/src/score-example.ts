import { formatUsd } from '@switchyard/routing';
import { InvalidSchemaError, JsonSchemaValidator, linearRegExpTester } from '@switchyard/schemas';
import type {
  CandidateOutput,
  CheckResult,
  EvalCheck,
  EvalExample,
  ExampleScore,
  ToolCalledCheck,
} from './eval.types';
import { parseJudgeScore, type JudgeFn } from './judge-score';
import { jsonEqual, parseJsonPath, readJsonPath } from './json-path';
import { isRefusal } from './refusal';

/**
 * An example passes when its weighted score reaches this: every check passed in full. Partial
 * credit (a judge's 0.8, half a tool call's arguments) counts in the score, not in the pass rate.
 */
export const EXAMPLE_PASS_SCORE = 1;
/** Float slack for the pass threshold, so 0.1 + 0.2 style sums do not fail a full score. */
const PASS_EPSILON = 1e-9;

export interface ScoreContext {
  /** The task's JSON schema, for json_valid checks on examples without a schema of their own. */
  taskSchema?: Record<string, unknown>;
  /** Runs a judge check's grading job; without it, judge checks score 0. */
  judge?: JudgeFn;
  /** Shared so a run compiles each schema once. */
  validator?: JsonSchemaValidator;
}

type JsonRead = { ok: true; value: unknown } | { ok: false; problem: string };

/** The answer's JSON: the job's parsed `json`, else the text (inside a ```json fence, if any). */
export function answerJson(output: CandidateOutput): JsonRead {
  if (output.json !== undefined) return { ok: true, value: output.json };
  const text = output.text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(text);
  try {
    return { ok: true, value: JSON.parse(fenced ? fenced[1] : text) };
  } catch {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    return { ok: false, problem: `the answer is not JSON: "${shown}"` };
  }
}

function shortJson(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 80)}…` : json;
}

function exampleSchema(example: EvalExample): Record<string, unknown> | undefined {
  return example.response_format?.type === 'json_schema'
    ? example.response_format.schema
    : undefined;
}

/** Whether an example asks for JSON: a json_schema response format or a check that reads JSON. */
export function expectsJson(example: EvalExample): boolean {
  return (
    exampleSchema(example) !== undefined ||
    example.checks.some((c) => ['json_valid', 'json_path_equals', 'number_close'].includes(c.type))
  );
}

interface Scored {
  score: number;
  detail: string;
}

const pass = (detail: string): Scored => ({ score: 1, detail });
const fail = (detail: string): Scored => ({ score: 0, detail });

function jsonAgainstSchema(
  output: CandidateOutput,
  schema: Record<string, unknown> | undefined,
  validator: JsonSchemaValidator,
): Scored {
  const json = answerJson(output);
  if (!json.ok) return fail(json.problem);
  if (!schema) return pass('valid JSON (no schema to check against)');
  try {
    const checked = validator.check(schema, json.value);
    return checked.valid
      ? pass('valid JSON matching the schema')
      : fail(`JSON does not match the schema: ${checked.problems}`);
  } catch (err) {
    if (err instanceof InvalidSchemaError) return fail(err.message);
    throw err;
  }
}

function valueAt(
  output: CandidateOutput,
  path: string,
): { ok: true; value: unknown } | { ok: false; detail: string } {
  const parsed = parseJsonPath(path);
  if (!parsed.ok) return { ok: false, detail: `${path}: ${parsed.problem}` };
  const json = answerJson(output);
  if (!json.ok) return { ok: false, detail: json.problem };
  const found = readJsonPath(json.value, parsed.segments);
  return found.found
    ? { ok: true, value: found.value }
    : { ok: false, detail: `${found.missing} is missing` };
}

function toolCalled(check: ToolCalledCheck, output: CandidateOutput): Scored {
  const calls = (output.toolCalls ?? []).filter((c) => c.name === check.name);
  if (calls.length === 0) {
    const made = (output.toolCalls ?? []).map((c) => c.name);
    return fail(
      made.length > 0
        ? `called ${made.join(', ')}, not ${check.name}`
        : `no tool call (expected ${check.name})`,
    );
  }
  const wanted = Object.entries(check.arguments ?? {});
  if (wanted.length === 0) return pass(`called ${check.name}`);
  // The best of the calls to that tool counts: a model may call it more than once.
  let best: Scored = fail('');
  for (const call of calls) {
    const wrong = wanted.filter(([k, v]) => !jsonEqual(call.arguments[k], v));
    const score = (wanted.length - wrong.length) / wanted.length;
    if (score >= best.score) {
      best = {
        score,
        detail:
          wrong.length === 0
            ? `called ${check.name} with the expected arguments`
            : `called ${check.name}; ${wrong.map(([k, v]) => `${k} was ${shortJson(call.arguments[k])}, expected ${shortJson(v)}`).join('; ')}`,
      };
    }
  }
  return best;
}

function includes(text: string, value: string, ignoreCase: boolean | undefined): boolean {
  return ignoreCase ? text.toLowerCase().includes(value.toLowerCase()) : text.includes(value);
}

async function scoreCheck(
  check: EvalCheck,
  example: EvalExample,
  output: CandidateOutput,
  ctx: ScoreContext,
  validator: JsonSchemaValidator,
): Promise<Scored> {
  const text = output.text;
  switch (check.type) {
    case 'equals': {
      const expected = (
        check.value ?? (typeof example.expected === 'string' ? example.expected : '')
      ).trim();
      return text.trim() === expected
        ? pass(`equals "${expected}"`)
        : fail(`"${text.trim().slice(0, 60)}" is not "${expected}"`);
    }
    case 'contains':
      return includes(text, check.value, check.ignore_case)
        ? pass(`contains "${check.value}"`)
        : fail(`does not contain "${check.value}"`);
    case 'not_contains':
      return includes(text, check.value, check.ignore_case)
        ? fail(`contains "${check.value}"`)
        : pass(`does not contain "${check.value}"`);
    case 'regex':
      // RE2: linear time in the answer's length, whatever the pattern (the loader refused others).
      return linearRegExpTester(check.pattern, check.flags)(text)
        ? pass(`matches /${check.pattern}/${check.flags ?? ''}`)
        : fail(`does not match /${check.pattern}/${check.flags ?? ''}`);
    case 'json_valid':
      return jsonAgainstSchema(
        output,
        check.schema ?? exampleSchema(example) ?? ctx.taskSchema,
        validator,
      );
    case 'json_path_equals': {
      const at = valueAt(output, check.path);
      if (!at.ok) return fail(at.detail);
      return jsonEqual(at.value, check.value)
        ? pass(`${check.path} = ${shortJson(check.value)}`)
        : fail(`${check.path} is ${shortJson(at.value)}, expected ${shortJson(check.value)}`);
    }
    case 'number_close': {
      const at = valueAt(output, check.path);
      if (!at.ok) return fail(at.detail);
      if (typeof at.value !== 'number')
        return fail(`${check.path} is ${shortJson(at.value)}, not a number`);
      const off = Math.abs(at.value - check.value);
      return off <= check.tolerance + PASS_EPSILON
        ? pass(`${check.path} = ${at.value}, within ${check.tolerance} of ${check.value}`)
        : fail(
            `${check.path} is ${at.value}, ${Number(off.toPrecision(6))} away from ${check.value} (tolerance ${check.tolerance})`,
          );
    }
    case 'tool_called':
      return toolCalled(check, output);
    case 'refusal': {
      const refused = isRefusal(output);
      const want = check.refused ?? true;
      const what =
        output.finishReason === 'content_filter'
          ? 'stopped by the content filter'
          : refused
            ? 'refused'
            : 'answered';
      return refused === want
        ? pass(what)
        : fail(`${what}, expected ${want ? 'a refusal' : 'an answer'}`);
    }
    case 'max_latency_ms':
      return output.latencyMs <= check.value
        ? pass(`${Math.round(output.latencyMs)} ms ≤ ${check.value} ms`)
        : fail(`${Math.round(output.latencyMs)} ms > ${check.value} ms`);
    case 'max_cost_usd':
      return output.costUsd <= check.value
        ? pass(`$${formatUsd(output.costUsd)} ≤ $${check.value}`)
        : fail(`$${formatUsd(output.costUsd)} > $${check.value}`);
    case 'judge': {
      if (!ctx.judge) return fail('no judge available to grade this answer');
      let answer: string;
      try {
        answer = (await ctx.judge({ task: check.task, rubric: check.rubric, example, output }))
          .text;
      } catch (err) {
        return fail(`the judge failed: ${(err as Error).message}`);
      }
      const score = parseJudgeScore(answer);
      if (score === null)
        return fail(`the judge's answer has no score: "${answer.trim().slice(0, 80)}"`);
      return {
        score,
        detail: `judge (${check.task}) scored ${score}: ${answer.trim().slice(0, 120)}`,
      };
    }
  }
}

/**
 * Scores one candidate's answer to one example: each check 0..1, the example the weighted mean.
 * A failed candidate (errorType set) scores 0 on every check, with the error named in each detail.
 */
export async function scoreExample(
  example: EvalExample,
  output: CandidateOutput,
  ctx: ScoreContext = {},
): Promise<ExampleScore> {
  const validator = ctx.validator ?? new JsonSchemaValidator();
  const wantsJson = expectsJson(example);
  const checks: CheckResult[] = [];
  if (output.errorType !== undefined) {
    const detail = `the candidate failed: ${output.errorType}${output.errorMessage ? `: ${output.errorMessage}` : ''}`;
    for (const check of example.checks) {
      checks.push({ type: check.type, score: 0, detail, weight: check.weight ?? 1 });
    }
    // A content-filter stop fails the job, and is still a refusal in the refusal rate.
    return {
      score: 0,
      checks,
      passed: false,
      refused: isRefusal(output),
      ...(wantsJson ? { json_adherent: false } : {}),
    };
  }
  for (const check of example.checks) {
    const { score, detail } = await scoreCheck(check, example, output, ctx, validator);
    checks.push({ type: check.type, score, detail, weight: check.weight ?? 1 });
  }
  const totalWeight = checks.reduce((sum, c) => sum + c.weight, 0);
  const score =
    totalWeight > 0 ? checks.reduce((sum, c) => sum + c.weight * c.score, 0) / totalWeight : 0;
  const result: ExampleScore = {
    score,
    checks,
    passed: score >= EXAMPLE_PASS_SCORE - PASS_EPSILON,
    refused: isRefusal(output),
  };
  if (wantsJson) {
    const schema = exampleSchema(example) ?? ctx.taskSchema;
    result.json_adherent = jsonAgainstSchema(output, schema, validator).score === 1;
  }
  return result;
}
