import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DailySpendStore, RoutingTableHolder, type DailySpendSnapshot } from '@switchyard/routing';
import { ApiError } from '../http/api-error';
import { TenantAuthGuard } from '../http/tenant-auth.guard';

@ApiTags('routes')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/spend')
export class SpendController {
  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly spend: DailySpendStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Daily spend per task (UTC day): spent, reserved, remaining' })
  async get(
    @Query('task') task?: string,
    @Query('day') day?: string,
  ): Promise<{ spend: DailySpendSnapshot[] }> {
    const tasks = this.routing.current.tasks;
    if (task !== undefined && !tasks[task]) throw ApiError.field('task', `unknown task "${task}"`);
    if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day))
      throw ApiError.field('day', 'must be YYYY-MM-DD');
    const names = task ? [task] : Object.keys(tasks).sort();
    const spend = await Promise.all(
      names.map((name) => this.spend.snapshot(name, day, tasks[name].budget)),
    );
    return { spend };
  }
}
