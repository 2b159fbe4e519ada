import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../http/api-error';
import { requireSingleValues } from '../http/single-query-values';
import { TenantAuthGuard, type KeyRole } from '../http/tenant-auth.guard';
import { KeyRoles, Tenant } from '../http/tenant.decorator';
import { CreateEvalDto } from './dto/create-eval.dto';
import { EvalRunsService } from './eval-runs.service';
import type { EvalRunSummaryView, EvalRunView } from '@switchyard/runtime';

/** Golden-set evaluation runs: score a task's candidates on its dataset (evals/<task>.jsonl). */
@ApiTags('evals')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/evals')
export class EvalsController {
  constructor(private readonly runs: EvalRunsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start an evaluation run (keys with the eval role, or open mode)' })
  @ApiResponse({ status: 202, description: 'queued: {id, status}' })
  create(
    @Tenant() tenant: string,
    @KeyRoles() roles: ReadonlySet<KeyRole>,
    @Body() body: CreateEvalDto,
  ): Promise<Record<string, unknown>> {
    return this.runs.create(tenant, roles.has('eval'), body) as Promise<Record<string, unknown>>;
  }

  @Get()
  @ApiOperation({ summary: 'Evaluation runs, newest first (the caller’s, and scheduled ones)' })
  @ApiQuery({ name: 'task', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 20' })
  async list(
    @Tenant() tenant: string,
    @Query() raw: Record<string, unknown>,
    @Query('task') task?: string,
    @Query('limit') limit?: string,
  ): Promise<{ evals: EvalRunSummaryView[] }> {
    requireSingleValues(raw, ['task', 'limit']);
    const n = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 100)
      throw ApiError.field('limit', 'must be an integer from 1 to 100');
    return { evals: await this.runs.list(tenant, task, n) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'An evaluation run: progress, per-candidate summary, every example' })
  get(@Tenant() tenant: string, @Param('id') id: string): Promise<EvalRunView> {
    return this.runs.get(tenant, id);
  }
}
