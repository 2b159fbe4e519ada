import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { ContentPart, MessageRole } from '@switchyard/providers';
import { IsJsonObjectWithin, IsMessageContent } from './message-content.validator';

export const METADATA_MAX_BYTES = 16 * 1024;

export class MessageDto {
  @ApiProperty({ enum: ['system', 'user', 'assistant'] })
  @IsDefined({ message: 'is required' })
  @IsIn(['system', 'user', 'assistant'])
  role!: MessageRole;

  @ApiProperty({
    description:
      'A string, or parts: {type:"text", text} | {type:"image", url} | {type:"image", data (base64), mime_type}',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }],
  })
  @IsDefined({ message: 'is required' })
  @IsMessageContent()
  content!: string | ContentPart[];
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

  @ApiPropertyOptional({ type: JobBudgetDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => JobBudgetDto)
  budget?: JobBudgetDto;
}
