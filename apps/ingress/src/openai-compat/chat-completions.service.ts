import { blockingDuplicate } from '@switchyard/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import { JobEventLog, JobStore, isTerminal, type JobRecord, type JobView } from '@switchyard/jobs';
import { RoutingTableHolder } from '@switchyard/routing';
import { REDIS_CONSUMER, SWITCHYARD_CONFIG } from '@switchyard/runtime';
import { requestTraceCarrier } from '@switchyard/telemetry';
import { ApiError, type ApiErrorBody } from '../http/api-error';
import { validationException } from '../http/validation-errors';
import { type CreateJobDto, validateJobBody } from '../jobs/dto/create-job.dto';
import { JobQueryService } from '../jobs/job-query.service';
import { JobSubmissionService, type Submission } from '../jobs/job-submission.service';
import { sendJson, writeJson } from '../http/json-reply';
import { mapChatCompletionRequest, type MappedChatRequest } from './chat-completion-request';
import { completionHeaders, createdSeconds, toChatCompletion } from './chat-completion-response';
import { ChatCompletionRelay, type RelayAction } from './chat-completion-stream';
import {
  OpenAiError,
  fromApiError,
  fromFailedJob,
  invalidRequest,
  modelNotFound,
} from './openai-error';

const BATCH = 500;
/** Past the job's deadline the sweeper fails it within a few seconds; wait that long, no longer. */
const DEADLINE_GRACE_MS = 5_000;

/**
 * POST /v1/chat/completions: the request becomes a job through the job API's own submission path
 * (same validation, planning, budgets, idempotency and ledger), then the connection waits for it:
 * on the job's completion (non-streaming) or on its event stream (streaming).
 */
@Injectable()
export class ChatCompletionsService {
  private readonly logger = new Logger('ChatCompletions');

  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly submissions: JobSubmissionService,
    private readonly queries: JobQueryService,
    private readonly jobs: JobStore,
    private readonly events: JobEventLog,
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  async complete(
    tenant: string,
    body: unknown,
    idempotencyKey: string | undefined,
    cacheControl: string | undefined,
    req: IncomingMessage,
    reply: FastifyReply,
  ): Promise<void> {
    const mapped = mapChatCompletionRequest(body);
    if (!mapped.ok) throw new OpenAiError(invalidRequest(mapped.problems));
    const request = mapped.request;
    const tasks = this.routing.current.tasks;
    if (!tasks[request.job.task]) {
      throw new OpenAiError(modelNotFound(request.job.task, Object.keys(tasks).sort()));
    }
    const mark = request.stream ? undefined : this.queries.completionMark();
    const submission = await this.submit(tenant, request, idempotencyKey, cacheControl, req);
    const { job } = submission;
    const traceparent = job.trace?.traceparent;
    if (request.stream) return this.relay(tenant, job, request, traceparent, req, reply);

    const view = await this.queries.waitForSubmission(
      tenant,
      submission,
      Math.max(1_000, job.deadline_at - Date.now() + DEADLINE_GRACE_MS),
      mark,
    );
    const common = { 'x-switchyard-job-id': job.id, ...(traceparent && { traceparent }) };
    if (!view) {
      throw new OpenAiError({
        status: 504,
        body: {
          error: {
            message: `job ${job.id} did not finish before its deadline`,
            type: 'server_error',
            param: null,
            code: 'deadline_exceeded',
          },
        },
        headers: common,
      });
    }
    if (view.status !== 'succeeded') {
      const failure = fromFailedJob(view, job.deadline_at);
      throw new OpenAiError({ ...failure, headers: { ...completionHeaders(view), ...common } });
    }
    sendJson(reply, 200, toChatCompletion(view), { ...completionHeaders(view), ...common });
  }

  /** The job API's own validation and submission, its errors in OpenAI's shape. */
  private async submit(
    tenant: string,
    request: MappedChatRequest,
    idempotencyKey: string | undefined,
    cacheControl: string | undefined,
    req: IncomingMessage,
  ): Promise<Submission> {
    const dto = request.job as unknown as CreateJobDto;
    const problems = validateJobBody(dto);
    try {
      if (problems.length) throw validationException(problems);
      // No pin field on this route; Cache-Control: no-cache / no-store bypass the response cache.
      return await this.submissions.submit(tenant, dto, idempotencyKey, {
        mayPin: false,
        cacheControl,
        trace: requestTraceCarrier(req.headers),
      });
    } catch (err) {
      if (err instanceof ApiError) {
        throw new OpenAiError(
          fromApiError(
            err.getStatus(),
            err.getResponse() as ApiErrorBody,
            request.max_tokens_param,
          ),
        );
      }
      throw err;
    }
  }

  /**
   * Follows the job's event stream (a Redis Stream read from the start, so an idempotent replay
   * streams the same answer) and relays it as chat.completion.chunk events. Blocking reads use a
   * connection of this request's own.
   */
  private async relay(
    tenant: string,
    job: JobRecord,
    request: MappedChatRequest,
    traceparent: string | undefined,
    req: IncomingMessage,
    reply: FastifyReply,
  ): Promise<void> {
    // The relay writes Node's response itself, event by event.
    reply.hijack();
    const res = reply.raw;
    const relay = new ChatCompletionRelay(
      job.id,
      createdSeconds(job),
      request.include_usage,
      traceparent,
      job.deadline_at,
    );
    const listener = blockingDuplicate(this.redis);
    let closed = false;
    req.on('close', () => {
      closed = true;
      listener.disconnect();
    });
    const apply = (actions: RelayAction[]) => {
      for (const action of actions) write(res, action);
    };
    const finish = async () => {
      const view: JobView = await this.queries.view(tenant, job.id);
      apply(relay.finish(view));
    };
    let after = '0-0';
    try {
      while (!closed && !relay.ended) {
        const batch = await this.events.follow(
          listener,
          job.id,
          after,
          BATCH,
          this.config.eventsKeepAliveMs,
        );
        if (batch.length === 0) {
          // Headers first if they were still held back, then the comment that keeps the line open.
          apply(relay.onIdle());
          if (relay.headersSent && !relay.ended) res.write(': keep-alive\n\n');
          // The job may have ended without an entry we can still read (expired, trimmed).
          const current = await this.jobs.get(job.id);
          if (!current) break;
          if (isTerminal(current.status)) {
            const rest = await this.events.range(job.id, after, BATCH);
            if (!rest.some(ChatCompletionRelay.isTerminal)) await finish();
          }
          continue;
        }
        for (const entry of batch) {
          after = entry.id;
          if (ChatCompletionRelay.isTerminal(entry)) {
            await finish();
            break;
          }
          apply(relay.onEvent(entry));
          if (relay.ended) break;
        }
      }
    } catch (err) {
      if (!closed)
        this.logger.warn(`job ${job.id}: chat completion stream: ${(err as Error).message}`);
      // Nothing written yet: the error gets its own answer (see ScopedExceptionFilter).
      if (!res.headersSent) throw err;
    } finally {
      listener.disconnect();
      if (res.headersSent && !res.writableEnded) res.end();
    }
  }
}

function write(res: ServerResponse, action: RelayAction): void {
  switch (action.kind) {
    case 'headers':
      res.writeHead(200, {
        ...action.headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
      return;
    case 'chunk':
      res.write(`data: ${JSON.stringify(action.chunk)}\n\n`);
      return;
    case 'cut':
      res.end(`data: ${JSON.stringify(action.error)}\n\n`);
      return;
    case 'done':
      for (const c of action.chunks) res.write(`data: ${JSON.stringify(c)}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    case 'fail':
      writeJson(res, action.status, action.error, action.headers);
      return;
  }
}
