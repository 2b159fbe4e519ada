import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CircuitBreaker, type CircuitSnapshot } from '@switchyard/circuit-breaker';
import { ProviderPauses } from '@switchyard/redis';
import { RoutingTableHolder } from '@switchyard/routing';
import { TenantAuthGuard } from '../http/tenant-auth.guard';

interface CircuitView {
  state: CircuitSnapshot['state'];
  failure_ratio: number;
  calls: number;
  consecutive_failures: number;
  since: string | null;
  ramp_fraction: number;
  retry_at: string | null;
}

function view(s: CircuitSnapshot): CircuitView {
  return {
    state: s.state,
    failure_ratio: s.failureRatio,
    calls: s.calls,
    consecutive_failures: s.consecutiveFailures,
    since: s.since === null ? null : new Date(s.since).toISOString(),
    ramp_fraction: s.rampFraction,
    retry_at: s.retryAt === null ? null : new Date(s.retryAt).toISOString(),
  };
}

@ApiTags('providers')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/providers')
export class ProvidersController {
  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly breaker: CircuitBreaker,
    private readonly pauses: ProviderPauses,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Circuit state per provider and per provider/model, and rate-limit pauses',
  })
  async list(): Promise<{ providers: unknown[] }> {
    const table = this.routing.current;
    const models = Object.values(table.models).filter((m) => table.providers[m.provider]);
    const keys = [...Object.keys(table.providers), ...models.map((m) => m.id)];
    const [states, pausedUntil] = await Promise.all([
      this.breaker.states(keys),
      this.pauses.pausedUntil(Object.keys(table.providers)),
    ]);
    return {
      providers: Object.values(table.providers).map((p) => ({
        name: p.name,
        kind: p.kind,
        circuit: view(states[p.name]),
        // Set while a 429 has the provider's queue paused: jobs that cannot wait until then skip
        // it (skip reason rate_limited).
        rate_limited_until:
          pausedUntil[p.name] === undefined ? null : new Date(pausedUntil[p.name]).toISOString(),
        models: models
          .filter((m) => m.provider === p.name)
          .map((m) => ({ id: m.id, model: m.model, circuit: view(states[m.id]) })),
      })),
    };
  }
}
