import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CircuitBreaker } from '@switchyard/circuit-breaker';
import {
  STATS_GROUP_BY,
  buildWeeklyReport,
  type SeriesResult,
  type StatsGroupBy,
  type WeeklyReport,
} from '@switchyard/ledger';
import { RoutingTableHolder } from '@switchyard/routing';
import { LedgerService } from '@switchyard/runtime';
import { ApiError } from '../http/api-error';
import { TenantAuthGuard } from '../http/tenant-auth.guard';
import { Tenant } from '../http/tenant.decorator';
import { readLedger, singleValued } from './ledger-read';

const DAY_MS = 86_400_000;

function timestamp(field: string, raw: string | undefined, fallback: Date): Date {
  if (raw === undefined) return fallback;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw ApiError.field(field, 'must be an ISO 8601 timestamp');
  return d;
}

/** The ledger over time (tenant-scoped): bucketed series and the weekly economics report. */
@ApiTags('observability')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1')
export class ReportsController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly breaker: CircuitBreaker,
    private readonly routing: RoutingTableHolder,
  ) {}

  @Get('stats/series')
  @ApiOperation({
    summary:
      'Calls, error rate, invalid-output rate and latency per bucket, per model revision (or provider, or model)',
  })
  @ApiQuery({ name: 'task', required: false })
  @ApiQuery({ name: 'group_by', required: false, enum: STATS_GROUP_BY })
  @ApiQuery({ name: 'bucket', required: false, description: '1m to 1d, default 1h' })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601; default 7 days ago' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO 8601; default now' })
  async series(
    @Tenant() tenant: string,
    @Query() raw: Record<string, unknown>,
    @Query('task') task?: string,
    @Query('group_by') groupBy = 'model_revision',
    @Query('bucket') bucket = '1h',
    @Query('since') since?: string,
    @Query('until') until?: string,
  ): Promise<SeriesResult> {
    singleValued(raw);
    if (!(STATS_GROUP_BY as readonly string[]).includes(groupBy)) {
      throw ApiError.field('group_by', `must be one of ${STATS_GROUP_BY.join(', ')}`);
    }
    const end = timestamp('until', until, new Date());
    const start = timestamp('since', since, new Date(end.getTime() - 7 * DAY_MS));
    return readLedger(this.ledger, (h) =>
      h.reports.series({
        tenant,
        task,
        group_by: groupBy as StatsGroupBy,
        bucket,
        since: start,
        until: end,
      }),
    );
  }

  @Get('reports/weekly')
  @ApiOperation({
    summary:
      'Spend per task per day, cost per 1,000 jobs, success and fallback rates, provider incidents',
  })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601; default 7 days ago' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO 8601; default now' })
  async weekly(
    @Tenant() tenant: string,
    @Query() raw: Record<string, unknown>,
    @Query('since') since?: string,
    @Query('until') until?: string,
  ): Promise<WeeklyReport> {
    singleValued(raw);
    const end = timestamp('until', until, new Date());
    const start = timestamp('since', since, new Date(end.getTime() - 7 * DAY_MS));
    if (start.getTime() >= end.getTime()) throw ApiError.field('since', 'must be before until');
    if (end.getTime() - start.getTime() > 92 * DAY_MS) {
      throw ApiError.field('since', 'the window is at most 92 days');
    }
    const [data, openings] = await Promise.all([
      readLedger(this.ledger, (h) => h.reports.reportData({ tenant, since: start, until: end })),
      this.breaker.incidents.openings(start.getTime(), end.getTime()),
    ]);
    return buildWeeklyReport({
      ledger: data,
      openings,
      providers: Object.keys(this.routing.current.providers),
    });
  }
}
