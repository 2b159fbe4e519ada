import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { ContentPart, MessageRole, ToolChoice } from '@switchyard/providers';
import { IsJsonObjectWithin, IsMessageContent } from './message-content.validator';
import { IsToolChoice } from './tool-choice.validator';

export const METADATA_MAX_BYTES = 16 * 1024;

/** `provider/model`: a provider name, a slash, the provider's model name. */
const PIN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/\S+$/;

/** Tool names and call ids every provider accepts back (Anthropic allows [A-Za-z0-9_-] only). */
const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const TOOL_CALL_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class ToolCallDto {
  @ApiProperty({ description: 'The id the answer gave the call; tool messages answer it by id' })
  @IsDefined({ message: 'is required' })
  @IsString()
  @Matches(TOOL_CALL_ID, { message: 'must be 1 to 64 letters, digits, _ or -' })
  id!: string;

  @ApiProperty()
  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be a JSON object' })
  arguments!: Record<string, unknown>;
}

/** An assistant turn made only of tool calls may leave its content empty or out. */
function onlyToolCalls(m: MessageDto): boolean {
  return (
    m.role === 'assistant' &&
    Array.isArray(m.tool_calls) &&
    m.tool_calls.length > 0 &&
    (m.content === undefined || m.content === null || m.content === '')
  );
}

export class MessageDto {
  @ApiProperty({ enum: ['system', 'user', 'assistant', 'tool'] })
  @IsDefined({ message: 'is required' })
  @IsIn(['system', 'user', 'assistant', 'tool'])
  role!: MessageRole;

  @ApiProperty({
    description:
      'A string, or parts: {type:"text", text} | {type:"image", url} | {type:"image", data (base64), mime_type}. May be empty or absent on an assistant message with tool_calls.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }],
  })
  @ValidateIf((m: MessageDto) => !onlyToolCalls(m))
  @IsDefined({ message: 'is required' })
  @IsMessageContent()
  content?: string | ContentPart[] | null;

  @ApiPropertyOptional({ type: [ToolCallDto], description: 'Assistant messages: the calls made' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ToolCallDto)
  tool_calls?: ToolCallDto[];

  @ApiPropertyOptional({ description: 'Tool messages: the id of the call this result answers' })
  @ValidateIf((m: MessageDto) => m.role === 'tool' || m.tool_call_id !== undefined)
  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  tool_call_id?: string;
}

export class ToolDto {
  @ApiProperty({ example: 'get_weather' })
  @IsDefined({ message: 'is required' })
  @IsString()
  @Matches(TOOL_NAME, {
    message: 'must be 1 to 64 letters, digits, _ or -, starting with a letter or _',
  })
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  description?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema of the arguments (an object schema)',
  })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be a JSON Schema object' })
  parameters!: Record<string, unknown>;
}

export class ResponseFormatDto {
  @ApiProperty({ enum: ['text', 'json_schema'] })
  @IsDefined({ message: 'is required' })
  @IsIn(['text', 'json_schema'])
  type!: 'text' | 'json_schema';

  @ApiPropertyOptional({
    type: 'object',
    description: 'JSON Schema the output must match',
    additionalProperties: true,
  })
  @ValidateIf((o: ResponseFormatDto) => o.type === 'json_schema')
  @IsObject()
  schema?: Record<string, unknown>;
}

export class JobBudgetDto {
  @ApiPropertyOptional({ description: 'May only tighten the task budget' })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  max_cost_usd?: number;

  @ApiPropertyOptional({
    description: 'Deadline from submission, ms; may only tighten the task budget',
  })
  @IsOptional()
  @IsInt()
  @IsPositive()
  deadline_ms?: number;
}

export class CreateJobDto {
  @ApiProperty({ example: 'extraction' })
  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  task!: string;

  @ApiProperty({ type: [MessageDto] })
  @IsDefined({ message: 'is required' })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => MessageDto)
  messages!: MessageDto[];

  @ApiPropertyOptional({ type: ResponseFormatDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResponseFormatDto)
  response_format?: ResponseFormatDto;

  @ApiPropertyOptional({ type: [ToolDto], description: 'Functions the model may call' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @ValidateNested({ each: true })
  @Type(() => ToolDto)
  tools?: ToolDto[];

  @ApiPropertyOptional({
    description: '"auto" (default), "none", "required", or {name} to force one tool',
    oneOf: [
      { type: 'string', enum: ['auto', 'none', 'required'] },
      { type: 'object', properties: { name: { type: 'string' } } },
    ],
  })
  @IsOptional()
  @IsToolChoice()
  tool_choice?: ToolChoice;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 2 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({
    description: 'Receives job.succeeded / job.failed, signed per Standard Webhooks',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  webhook_url?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Echoed back; at most 16 KiB',
  })
  @IsOptional()
  @IsJsonObjectWithin(METADATA_MAX_BYTES)
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      "false: neither take the answer from the task's response cache nor store it (default true)",
  })
  @IsOptional()
  @IsBoolean()
  cache?: boolean;

  @ApiPropertyOptional({ type: JobBudgetDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => JobBudgetDto)
  budget?: JobBudgetDto;

  @ApiPropertyOptional({
    example: 'google/gemini-2.5-flash',
    description:
      'Run on this provider/model only, never falling back (keys with the eval role, or open mode)',
  })
  @IsOptional()
  @IsString()
  @Matches(PIN_PATTERN, { message: 'must be "provider/model"' })
  @MaxLength(256)
  pin?: string;
}
