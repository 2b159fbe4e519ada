import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ContentPart, MessageRole, ToolChoice } from '@switchyard/providers';
import { compileBodyShape, type BodyShape } from '../../http/body-shape';
import {
  arrayMaxSize,
  arrayMinSize,
  custom,
  isArray,
  isBoolean,
  isHttpUrl,
  isIn,
  isInt,
  isNotEmpty,
  isNumber,
  isObject,
  isPositive,
  isString,
  matches,
  max,
  maxLength,
  min,
} from '../../http/field-checks';
import { contentProblem, jsonObjectProblem } from './message-content.validator';
import { toolChoiceProblem } from './tool-choice.validator';

export const METADATA_MAX_BYTES = 16 * 1024;

/** `provider/model`: a provider name, a slash, the provider's model name. */
const PIN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/\S+$/;

/** Tool names and call ids every provider accepts back (Anthropic allows [A-Za-z0-9_-] only). */
const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const TOOL_CALL_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class ToolCallDto {
  @ApiProperty({ description: 'The id the answer gave the call; tool messages answer it by id' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  arguments!: Record<string, unknown>;
}

/** An assistant turn made only of tool calls may leave its content empty or out. */
function onlyToolCalls(m: Record<string, unknown>): boolean {
  return (
    m.role === 'assistant' &&
    Array.isArray(m.tool_calls) &&
    m.tool_calls.length > 0 &&
    (m.content === undefined || m.content === null || m.content === '')
  );
}

export class MessageDto {
  @ApiProperty({ enum: ['system', 'user', 'assistant', 'tool'] })
  role!: MessageRole;

  @ApiProperty({
    description:
      'A string, or parts: {type:"text", text} | {type:"image", url} | {type:"image", data (base64), mime_type}. May be empty or absent on an assistant message with tool_calls.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }],
  })
  content?: string | ContentPart[] | null;

  @ApiPropertyOptional({ type: [ToolCallDto], description: 'Assistant messages: the calls made' })
  tool_calls?: ToolCallDto[];

  @ApiPropertyOptional({ description: 'Tool messages: the id of the call this result answers' })
  tool_call_id?: string;
}

export class ToolDto {
  @ApiProperty({ example: 'get_weather' })
  name!: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema of the arguments (an object schema)',
  })
  parameters!: Record<string, unknown>;
}

export class ResponseFormatDto {
  @ApiProperty({ enum: ['text', 'json_schema'] })
  type!: 'text' | 'json_schema';

  @ApiPropertyOptional({
    type: 'object',
    description: 'JSON Schema the output must match',
    additionalProperties: true,
  })
  schema?: Record<string, unknown>;
}

export class JobBudgetDto {
  @ApiPropertyOptional({ description: 'May only tighten the task budget' })
  max_cost_usd?: number;

  @ApiPropertyOptional({
    description: 'Deadline from submission, ms; may only tighten the task budget',
  })
  deadline_ms?: number;
}

export class CreateJobDto {
  @ApiProperty({ example: 'extraction' })
  task!: string;

  @ApiProperty({ type: [MessageDto] })
  messages!: MessageDto[];

  @ApiPropertyOptional({ type: ResponseFormatDto })
  response_format?: ResponseFormatDto;

  @ApiPropertyOptional({ type: [ToolDto], description: 'Functions the model may call' })
  tools?: ToolDto[];

  @ApiPropertyOptional({
    description: '"auto" (default), "none", "required", or {name} to force one tool',
    oneOf: [
      { type: 'string', enum: ['auto', 'none', 'required'] },
      { type: 'object', properties: { name: { type: 'string' } } },
    ],
  })
  tool_choice?: ToolChoice;

  @ApiPropertyOptional()
  max_tokens?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 2 })
  temperature?: number;

  @ApiPropertyOptional({
    description: 'Receives job.succeeded / job.failed, signed per Standard Webhooks',
  })
  webhook_url?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Echoed back; at most 16 KiB',
  })
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      "false: neither take the answer from the task's response cache nor store it (default true)",
  })
  cache?: boolean;

  @ApiPropertyOptional({ type: JobBudgetDto })
  budget?: JobBudgetDto;

  @ApiPropertyOptional({
    example: 'google/gemini-2.5-flash',
    description:
      'Run on this provider/model only, never falling back (keys with the eval role, or open mode)',
  })
  pin?: string;
}

// The rules of a job body, beside the classes that document it in /docs. Within a field, the
// most basic problem is reported (see PROBLEM_RANK); of the value checks, the first listed.

const ROLES: readonly MessageRole[] = ['system', 'user', 'assistant', 'tool'];

const TOOL_CALL_SHAPE: BodyShape = {
  id: {
    presence: 'required',
    checks: [isString(), matches(TOOL_CALL_ID, 'must be 1 to 64 letters, digits, _ or -')],
  },
  name: { presence: 'required', checks: [isString(), isNotEmpty()] },
  arguments: { presence: 'required', checks: [isObject('must be a JSON object')] },
};

const MESSAGE_SHAPE: BodyShape = {
  role: { presence: 'required', checks: [isIn(ROLES)] },
  content: {
    presence: 'required',
    when: (m) => !onlyToolCalls(m),
    checks: [custom((value, m) => contentProblem(value, m.role))],
  },
  tool_calls: {
    presence: 'optional',
    checks: [isArray(), arrayMinSize(1)],
    nested: { shape: TOOL_CALL_SHAPE, each: true },
  },
  tool_call_id: {
    presence: 'required',
    when: (m) => m.role === 'tool' || m.tool_call_id !== undefined,
    checks: [isString(), isNotEmpty()],
  },
};

const TOOL_SHAPE: BodyShape = {
  name: {
    presence: 'required',
    checks: [
      isString(),
      matches(TOOL_NAME, 'must be 1 to 64 letters, digits, _ or -, starting with a letter or _'),
    ],
  },
  description: { presence: 'optional', checks: [isString(), maxLength(4096)] },
  parameters: { presence: 'required', checks: [isObject('must be a JSON Schema object')] },
};

const RESPONSE_FORMAT_SHAPE: BodyShape = {
  type: { presence: 'required', checks: [isIn(['text', 'json_schema'])] },
  schema: { presence: 'checked', when: (f) => f.type === 'json_schema', checks: [isObject()] },
};

const BUDGET_SHAPE: BodyShape = {
  max_cost_usd: { presence: 'optional', checks: [isNumber(), isPositive()] },
  deadline_ms: { presence: 'optional', checks: [isInt(), isPositive()] },
};

export const JOB_BODY_SHAPE: BodyShape = {
  task: { presence: 'required', checks: [isString(), maxLength(128), isNotEmpty()] },
  messages: {
    presence: 'required',
    checks: [isArray(), arrayMinSize(1)],
    nested: { shape: MESSAGE_SHAPE, each: true },
  },
  response_format: {
    presence: 'optional',
    nested: { shape: RESPONSE_FORMAT_SHAPE, each: false },
  },
  tools: {
    presence: 'optional',
    checks: [isArray(), arrayMaxSize(128)],
    nested: { shape: TOOL_SHAPE, each: true },
  },
  tool_choice: { presence: 'optional', checks: [custom(toolChoiceProblem)] },
  max_tokens: { presence: 'optional', checks: [isInt(), min(1)] },
  temperature: { presence: 'optional', checks: [isNumber(), min(0), max(2)] },
  webhook_url: { presence: 'optional', checks: [isHttpUrl()] },
  metadata: { presence: 'optional', checks: [custom(jsonObjectProblem(METADATA_MAX_BYTES))] },
  cache: { presence: 'optional', checks: [isBoolean()] },
  budget: { presence: 'optional', nested: { shape: BUDGET_SHAPE, each: false } },
  pin: {
    presence: 'optional',
    // The length first: a 300-character pin is told it is too long, whatever else is wrong.
    checks: [isString(), maxLength(256), matches(PIN_PATTERN, 'must be "provider/model"')],
  },
};

export const validateJobBody = compileBodyShape(JOB_BODY_SHAPE);
