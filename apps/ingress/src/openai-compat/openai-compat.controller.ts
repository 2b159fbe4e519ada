import { Body, Controller, Get, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RoutingTableHolder } from '@switchyard/routing';
import { TenantAuthGuard } from '../http/tenant-auth.guard';
import { Tenant } from '../http/tenant.decorator';
import { ChatCompletionsService } from './chat-completions.service';
import {
  ChatCompletionRequestDoc,
  ModelDoc,
  ModelListDoc,
  OpenAiErrorDoc,
} from './openai-compat.docs';
import { OpenAiError, modelNotFound } from './openai-error';

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'switchyard';
}

@ApiTags('openai-compatible')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1')
export class OpenAiCompatController {
  /** Tasks have no creation date of their own: the time this process loaded the table. */
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly completions: ChatCompletionsService,
    private readonly routing: RoutingTableHolder,
  ) {}

  @Post('chat/completions')
  @ApiOperation({
    summary: 'OpenAI Chat Completions: `model` names a task; the request runs as a job of it',
    description:
      "Answers chat.completion (or chat.completion.chunk events with stream: true) with x-switchyard-* headers; errors in OpenAI's shape {error:{message,type,param,code}}.",
  })
  @ApiBody({ type: ChatCompletionRequestDoc })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({
    name: 'Cache-Control',
    required: false,
    description: "no-cache / no-store: bypass the task's response cache",
  })
  @ApiResponse({ status: 200, description: 'chat.completion, or text/event-stream when streaming' })
  @ApiResponse({
    status: 400,
    type: OpenAiErrorDoc,
    description: 'invalid request; param names the field',
  })
  @ApiResponse({ status: 404, type: OpenAiErrorDoc, description: 'model_not_found' })
  @ApiResponse({ status: 429, type: OpenAiErrorDoc, description: 'budget_exhausted (Retry-After)' })
  @ApiResponse({ status: 502, type: OpenAiErrorDoc, description: 'every candidate failed' })
  @ApiResponse({
    status: 503,
    type: OpenAiErrorDoc,
    description: 'every candidate behind an open circuit',
  })
  @ApiResponse({ status: 504, type: OpenAiErrorDoc, description: 'the job deadline passed' })
  createChatCompletion(
    @Tenant() tenant: string,
    // Typed unknown so the global body pipe passes it through: OpenAI's fields are mapped and
    // checked by chat-completion-request.ts, then by the job body's own validator.
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('cache-control') cacheControl: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.completions.complete(tenant, body, idempotencyKey, cacheControl, req.raw, reply);
  }

  @Get('models')
  @ApiOperation({ summary: 'The tasks of the routing table as OpenAI model objects' })
  @ApiResponse({ status: 200, type: ModelListDoc })
  listModels(): { object: 'list'; data: ModelObject[] } {
    return { object: 'list', data: this.taskNames().map((id) => this.model(id)) };
  }

  @Get('models/:id')
  @ApiOperation({ summary: 'One task as an OpenAI model object' })
  @ApiResponse({ status: 200, type: ModelDoc })
  @ApiResponse({ status: 404, type: OpenAiErrorDoc, description: 'model_not_found' })
  getModel(@Param('id') id: string): ModelObject {
    const names = this.taskNames();
    if (!names.includes(id)) throw new OpenAiError(modelNotFound(id, names));
    return this.model(id);
  }

  private taskNames(): string[] {
    return Object.keys(this.routing.current.tasks).sort();
  }

  private model(id: string): ModelObject {
    return { id, object: 'model', created: this.created, owned_by: 'switchyard' };
  }
}
