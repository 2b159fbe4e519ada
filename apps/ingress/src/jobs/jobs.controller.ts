import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JOB_STATUSES, type JobStatus, type JobView } from '@switchyard/jobs';
import type { TraceCarrier } from '@switchyard/telemetry';
import { ApiError } from '../http/api-error';
import { requireSingleValues } from '../http/single-query-values';
import { TenantAuthGuard, type KeyRole } from '../http/tenant-auth.guard';
import { KeyRoles, RequestTrace, Tenant } from '../http/tenant.decorator';
import { CreateJobDto } from './dto/create-job.dto';
import { JobEventStreamService } from './job-event-stream.service';
import { JobQueryService } from './job-query.service';
import { JobSubmissionService } from './job-submission.service';
import { parsePreferWait } from './prefer-wait';

@ApiTags('jobs')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly queries: JobQueryService,
    private readonly eventStreams: JobEventStreamService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Submit a job' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description: 'wait=N (N ≤ 60): answer 200 with the finished job if it ends within N s',
  })
  @ApiResponse({ status: 202, description: 'queued' })
  @ApiResponse({ status: 200, description: 'finished within Prefer: wait' })
  async create(
    @Tenant() tenant: string,
    @KeyRoles() roles: ReadonlySet<KeyRole>,
    @Body() body: CreateJobDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @Headers('cache-control') cacheControl: string | undefined,
    @RequestTrace() trace: TraceCarrier,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<JobView | Record<string, unknown>> {
    const waitSeconds = parsePreferWait(prefer);
    const mark = waitSeconds > 0 ? this.queries.completionMark() : undefined;
    const submission = await this.submissions.submit(tenant, body, idempotencyKey, {
      mayPin: roles.has('eval'),
      cacheControl,
      trace,
    });
    const { job, created } = submission;
    res.header('Location', `/v1/jobs/${job.id}`);
    if (!created) res.header('Idempotent-Replayed', 'true');
    if (waitSeconds > 0) {
      const finished = await this.queries.waitForSubmission(
        tenant,
        submission,
        waitSeconds * 1000,
        mark,
      );
      if (finished) {
        res.header('Preference-Applied', `wait=${waitSeconds}`);
        res.status(200);
        return finished;
      }
    }
    res.status(202);
    if (!created) return this.queries.view(tenant, job.id);
    return {
      id: job.id,
      status: job.status,
      task: job.task,
      plan: job.plan.candidates.map((c) => ({ provider: c.provider, model: c.model })),
      rule: job.plan.rule ?? null,
      split: job.plan.split ?? null,
      created_at: job.created_at,
      trace_id: job.trace_id,
      metadata: job.request.metadata,
      // A cache hit ended before this answer: it says so, and whose answer it is.
      ...(job.cache_hit_of && { cached: true, cache_hit_of: job.cache_hit_of }),
    };
  }

  @Get()
  @ApiOperation({ summary: "List the caller's jobs, newest first" })
  async list(
    @Tenant() tenant: string,
    @Query() raw: Record<string, unknown>,
    @Query('task') task?: string,
    @Query('status') status?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('since') since?: string,
    @Query('until') until?: string,
  ): Promise<{ jobs: JobView[]; next_cursor: string | null }> {
    requireSingleValues(raw, ['task', 'status', 'limit', 'cursor', 'since', 'until']);
    if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
      throw ApiError.field('status', `must be one of ${JOB_STATUSES.join(', ')}`);
    }
    const n = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 100)
      throw ApiError.field('limit', 'must be an integer from 1 to 100');
    return this.queries.list(tenant, {
      task,
      status: status as JobStatus | undefined,
      limit: n,
      cursor,
      since: epochMs('since', since),
      until: epochMs('until', until),
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A job with its result, attempts and webhook delivery' })
  get(@Tenant() tenant: string, @Param('id') id: string): Promise<JobView> {
    return this.queries.view(tenant, id);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: "The job's events as Server-Sent Events, replayed from the start, until it ends",
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event' })
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  async events(
    @Tenant() tenant: string,
    @Param('id') id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.eventStreams.stream(tenant, id, lastEventId, req.raw, reply);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Cancel a job that has not finished' })
  cancel(@Tenant() tenant: string, @Param('id') id: string): Promise<JobView> {
    return this.queries.cancel(tenant, id);
  }

  @Post(':id/webhook/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: "Queue the job's completion webhook again" })
  redeliver(@Tenant() tenant: string, @Param('id') id: string): Promise<JobView> {
    return this.queries.redeliverWebhook(tenant, id);
  }
}

/** An ISO 8601 filter bound as epoch ms (the job index's score). */
function epochMs(field: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw ApiError.field(field, 'must be an ISO 8601 timestamp');
  return ms;
}
