import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * OpenAPI shapes of the OpenAI-compatible routes, for /docs only. The request is not validated
 * through these classes (the job body's shape would refuse OpenAI's fields):
 * chat-completion-request.ts maps and checks it, then the job DTO's own validation runs.
 */

export class ChatMessageDoc {
  @ApiProperty({ enum: ['system', 'developer', 'user', 'assistant', 'tool'] })
  role!: string;

  @ApiPropertyOptional({
    description:
      'A string, or parts {type:"text", text} | {type:"image_url", image_url:{url}} (https: URL or data: URI)',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }],
  })
  content?: unknown;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } })
  tool_calls?: unknown[];

  @ApiPropertyOptional()
  tool_call_id?: string;
}

export class ChatCompletionRequestDoc {
  @ApiProperty({ description: 'A task of the routing table', example: 'extraction' })
  model!: string;

  @ApiProperty({ type: [ChatMessageDoc] })
  messages!: ChatMessageDoc[];

  @ApiPropertyOptional()
  max_tokens?: number;

  @ApiPropertyOptional()
  max_completion_tokens?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 2 })
  temperature?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      '{type:"json_schema", json_schema:{name, schema, strict}} | {type:"json_object"} | {type:"text"}',
  })
  response_format?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'type "function"' })
  tools?: unknown[];

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'object' }] })
  tool_choice?: unknown;

  @ApiPropertyOptional({
    description: 'Only true (the default): not every provider can turn it off',
  })
  parallel_tool_calls?: boolean;

  @ApiPropertyOptional()
  stream?: boolean;

  @ApiPropertyOptional({ type: 'object', properties: { include_usage: { type: 'boolean' } } })
  stream_options?: { include_usage?: boolean };

  @ApiPropertyOptional({ description: 'Kept in the job metadata as "user"' })
  user?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;
}

export class ModelDoc {
  @ApiProperty({ example: 'extraction' })
  id!: string;

  @ApiProperty({ example: 'model' })
  object!: string;

  @ApiProperty()
  created!: number;

  @ApiProperty({ example: 'switchyard' })
  owned_by!: string;
}

export class ModelListDoc {
  @ApiProperty({ example: 'list' })
  object!: string;

  @ApiProperty({ type: [ModelDoc] })
  data!: ModelDoc[];
}

export class OpenAiErrorDoc {
  @ApiProperty({
    type: 'object',
    properties: {
      message: { type: 'string' },
      type: { type: 'string' },
      param: { type: 'string', nullable: true },
      code: { type: 'string', nullable: true },
    },
  })
  error!: Record<string, unknown>;
}
