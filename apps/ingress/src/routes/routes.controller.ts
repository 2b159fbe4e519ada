import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  RoutingTableHolder,
  taskChain,
  type Plan,
  type RoutingTable,
  type TaskConfig,
} from '@switchyard/routing';
import { ApiError } from '../http/api-error';
import { TenantAuthGuard } from '../http/tenant-auth.guard';
import { Tenant } from '../http/tenant.decorator';
import { PlanRequestDto } from '../jobs/dto/plan-request.dto';
import { JobPlanner } from '../jobs/job-planner.service';
import { toJobRequest } from '../jobs/job-request';
import { requireTask } from '../jobs/require-task';

/** The routing table, as loaded, for the person on call. Keys never appear: only their variable names. */
@ApiTags('routes')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/routes')
export class RoutesController {
  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly planner: JobPlanner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The routing table in force' })
  table(
    @Tenant() tenant: string,
  ): RoutingTable & { warnings: Array<{ path: string; message: string }> } {
    const table = this.routing.current;
    // A tenant sees its own limits, never another tenant's (nor who the others are).
    const own = table.tenants[tenant];
    return {
      ...table,
      tenants: own ? { [tenant]: own } : {},
      warnings: this.routing.warnings.filter((w) => !w.path.startsWith('tenants')),
    };
  }

  @Get(':task')
  @ApiOperation({ summary: 'One task of the routing table, with its candidate models' })
  task(@Param('task') name: string): TaskConfig & { candidates: unknown[] } {
    const table = this.routing.current;
    const task = requireTask(table, name);
    return {
      ...task,
      candidates: taskChain(task).map((id) => table.models[id] ?? { id, missing: true }),
    };
  }

  @Post(':task/plan')
  @HttpCode(200)
  @ApiOperation({ summary: 'The plan a job with this body would get, and why' })
  plan(
    @Tenant() tenant: string,
    @Param('task') name: string,
    @Body() body: PlanRequestDto,
  ): Promise<Plan> {
    const task = requireTask(this.routing.current, name);
    if (body.task !== undefined && body.task !== name) {
      throw ApiError.field('task', `must be the task in the path ("${name}") or left out`);
    }
    return this.planner.explain(task, toJobRequest(body), tenant);
  }
}
