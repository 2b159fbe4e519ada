import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  LedgerQueryError,
  STATS_GROUP_BY,
  type ListCallsResult,
  type StatsGroup,
  type StatsGroupBy,
} from '@switchyard/ledger';
import { LedgerService } from '@switchyard/runtime';
import { ApiError } from '../http/api-error';
import { requireSingleValues } from '../http/single-query-values';
import { TenantAuthGuard } from '../http/tenant-auth.guard';
import { Tenant } from '../http/tenant.decorator';

/** The call ledger, read back: which model revision served what, and how well. Tenant-scoped. */
@ApiTags('observability')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1')
export class ObservabilityController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('calls')
  @ApiOperation({ summary: 'Provider calls from the ledger, newest first' })
  @ApiQuery({ name: 'job_id', required: false })
  @ApiQuery({ name: 'task', required: false })
  @ApiQuery({ name: 'provider', required: false })
  @ApiQuery({ name: 'model_revision', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601 timestamp' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  async calls(
    @Tenant() tenant: string,
    @Query() raw: Record<string, unknown>,
    @Query('job_id') job_id?: string,
    @Query('task') task?: string,
    @Query('provider') provider?: string,
    @Query('model_revision') model_revision?: string,
    @Query('since') since?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<ListCallsResult> {
    requireSingleValues(raw, [
      'job_id',
      'task',
      'provider',
      'model_revision',
      'since',
      'limit',
      'cursor',
    ]);
    const n = limit === undefined ? undefined : Number(limit);
    if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 500)) {
      throw ApiError.field('limit', 'must be an integer from 1 to 500');
    }
    return this.query((q) =>
      q.listCalls({ tenant, job_id, task, provider, model_revision, since, limit: n, cursor }),
    );
  }

  @Get('stats')
  @ApiOperation({
    summary:
      'Per model revision (or provider, or model): calls, success rate, errors, latency, cost',
  })
  @ApiQuery({ name: 'task', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601 timestamp' })
  @ApiQuery({ name: 'group_by', required: false, enum: STATS_GROUP_BY })
  async stats(
    @Tenant() tenant: string,
    @Query() raw: Record<string, unknown>,
    @Query('task') task?: string,
    @Query('since') since?: string,
    @Query('group_by') groupBy = 'model_revision',
  ): Promise<{ group_by: string; groups: StatsGroup[] }> {
    requireSingleValues(raw, ['task', 'since', 'group_by']);
    if (!(STATS_GROUP_BY as readonly string[]).includes(groupBy)) {
      throw ApiError.field('group_by', `must be one of ${STATS_GROUP_BY.join(', ')}`);
    }
    const groups = await this.query((q) =>
      q.stats({ tenant, task, since, group_by: groupBy as StatsGroupBy }),
    );
    return { group_by: groupBy, groups };
  }

  private async query<T>(
    fn: (queries: NonNullable<LedgerService['ready']>['queries']) => Promise<T>,
  ): Promise<T> {
    const handle = this.ledger.ready;
    if (!handle) {
      throw ApiError.unavailable(
        this.ledger.enabled
          ? 'the call ledger is not connected yet; retry shortly'
          : 'the call ledger is off: set DATABASE_URL',
      );
    }
    try {
      return await fn(handle.queries);
    } catch (err) {
      if (err instanceof LedgerQueryError) {
        // The ledger's messages are "field: problem"; anything else is still the caller's mistake.
        const named = /^([A-Za-z_]+):\s*(.+)$/s.exec(err.message);
        throw named ? ApiError.field(named[1], named[2]) : ApiError.badRequest(err.message);
      }
      throw err;
    }
  }
}
