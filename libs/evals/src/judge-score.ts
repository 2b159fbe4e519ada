import type { ChatMessage } from '@switchyard/providers';
import type { CandidateOutput, EvalExample } from './eval.types';

/** What a judge check hands the runner to grade: the grading job goes to `task`. */
export interface JudgeRequest {
  task: string;
  rubric: string;
  example: EvalExample;
  output: CandidateOutput;
}

export interface JudgeAnswer {
  text: string;
}

export type JudgeFn = (request: JudgeRequest) => Promise<JudgeAnswer>;

function clampUnit(n: number): number | null {
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

/** A number on an unstated scale: 0..1 as it is, up to 10 as tenths, up to 100 as percent. */
function onScale(n: number): number | null {
  if (!Number.isFinite(n) || n < 0) return null;
  if (n <= 1) return n;
  if (n <= 10) return n / 10;
  if (n <= 100) return n / 100;
  return null;
}

function fraction(numerator: string, denominator: string): number | null {
  const d = Number(denominator);
  return d > 0 ? clampUnit(Number(numerator) / d) : null;
}

/** The `score` of the JSON object spanning the text's first `{` to its last `}`, if it is one. */
function scoreOfJsonObject(text: string): number | null | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  const score = (parsed as { score?: unknown } | null)?.score;
  if (typeof score === 'number') return onScale(score);
  if (typeof score === 'string' && score.trim() !== '' && Number.isFinite(Number(score))) {
    return onScale(Number(score));
  }
  return undefined;
}

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const JSON_SCORE = /\{[^{}]*"score"\s*:\s*("?)(-?\d+(?:\.\d+)?)\1[^{}]*\}/i;
const LABELLED = new RegExp(
  String.raw`\b(?:score|rating|grade)\b\s*(?:[:=]|is|of)?\s*\**\s*${NUMBER}(?:\s*(?:/|out of)\s*${NUMBER})?(\s*%)?`,
  'i',
);
const FRACTION = new RegExp(String.raw`${NUMBER}\s*(?:/|out of)\s*${NUMBER}`, 'i');
const PERCENT = new RegExp(String.raw`${NUMBER}\s*%`);
const BARE = new RegExp(String.raw`^\s*${NUMBER}\s*\.?\s*$`);

/**
 * The 0..1 score in a judge's answer, or null when it has none. Read in this order: a JSON object
 * with `score` (`{"score": 0.8}`), a labelled score (`Score: 8/10`, `rating = 4 out of 5`,
 * `score: 0.7`), a fraction (`7/10`), a percentage (`85%`), an answer that is only a number
 * (`0.7`). A number without a scale counts as 0..1 when it is at most 1, tenths up to 10 and
 * percent up to 100; a fraction above 1 or a negative number is no score.
 */
export function parseJudgeScore(text: string): number | null {
  const whole = scoreOfJsonObject(text);
  if (whole !== undefined) return whole;
  const json = JSON_SCORE.exec(text);
  if (json) return onScale(Number(json[2]));
  const labelled = LABELLED.exec(text);
  if (labelled) {
    if (labelled[2] !== undefined) return fraction(labelled[1], labelled[2]);
    if (labelled[3] !== undefined) return clampUnit(Number(labelled[1]) / 100);
    return onScale(Number(labelled[1]));
  }
  const frac = FRACTION.exec(text);
  if (frac) return fraction(frac[1], frac[2]);
  const percent = PERCENT.exec(text);
  if (percent) return clampUnit(Number(percent[1]) / 100);
  const bare = BARE.exec(text);
  return bare ? onScale(Number(bare[1])) : null;
}

function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return content.map((part) => ('text' in part ? part.text : '[image]')).join('\n');
}

/**
 * The grading prompt of a judge check: the rubric, the conversation the candidate answered, the
 * reference answer when the example has one, and the answer, asking for `{"score", "reason"}`.
 */
export function judgeMessages(request: Omit<JudgeRequest, 'task'>): ChatMessage[] {
  const { rubric, example, output } = request;
  const conversation = example.messages
    .map((m) => `${m.role.toUpperCase()}: ${contentText(m.content)}`)
    .join('\n\n');
  const answer =
    output.toolCalls && output.toolCalls.length > 0
      ? `${output.text}\n[tool calls] ${JSON.stringify(output.toolCalls)}`
      : output.text;
  const reference =
    example.expected === undefined
      ? ''
      : `\n\n## Reference answer\n${typeof example.expected === 'string' ? example.expected : JSON.stringify(example.expected)}`;
  return [
    {
      role: 'system',
      content:
        'You grade answers of another AI model against a rubric. Reply with JSON only: ' +
        '{"score": <number from 0 to 1>, "reason": "<one sentence>"}.',
    },
    {
      role: 'user',
      content: `## Rubric\n${rubric}\n\n## Conversation\n${conversation}${reference}\n\n## Answer to grade\n${answer}`,
    },
  ];
}
