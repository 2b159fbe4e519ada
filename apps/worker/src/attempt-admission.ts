import type { JobRecord } from '@switchyard/jobs';
import type { AttemptError, AttemptJobData } from '@switchyard/redis';
import {
  candidateVerdict,
  modelId,
  tenantConfig,
  type ModelConfig,
  type ProviderConfig,
  type RoutingTable,
  type TaskConfig,
  type TenantConfig,
} from '@switchyard/routing';
import type { BudgetReservation } from './daily-budget-reservation';

/** What the hop may run with: the table's entries as they are now. */
export interface Admitted {
  kind: 'run';
  job: JobRecord;
  task: TaskConfig;
  tenant: TenantConfig;
  model: ModelConfig;
  provider: ProviderConfig;
  /** The candidate's estimate, as planned */
  estimateUsd: number;
  remainingMs: number;
}

/**
 * Whether a hop calls its provider: it runs, it hands the job to the router (the candidate gate
 * refused it), or it stands down because the job moved on (gone, ended, or a newer hop owns it).
 */
export type Admission =
  | Admitted
  | { kind: 'handOff'; job: JobRecord; error: AttemptError }
  | { kind: 'standDown'; job?: JobRecord };

/**
 * Pure. `circuitAllowed` says what the breaker answered for each of the candidate's circuits;
 * the plan honoured the gate when the job was submitted, but a table reloaded since may have
 * removed the route or narrowed the tenant's providers, and time, money and circuits moved on.
 */
export function admitAttempt(input: {
  data: AttemptJobData;
  job: JobRecord | null | undefined;
  table: RoutingTable;
  circuitAllowed: (circuitKey: string) => boolean;
  now: number;
}): Admission {
  const { data, job, table } = input;
  if (!job) return { kind: 'standDown' };
  if (job.status !== 'running' || job.current_hop > data.hop) return { kind: 'standDown', job };
  const task = table.tasks[job.task];
  const model = table.models[modelId(data)];
  const provider = table.providers[data.provider];
  if (!task || !model || !provider) {
    return handOff(job, 'route_removed', 'the routing table no longer has this task or model');
  }
  const tenant = tenantConfig(table, job.tenant);
  const remainingMs = job.deadline_at - input.now;
  const estimateUsd = job.plan.candidates[data.candidate]?.estimated_cost_usd ?? 0;
  const verdict = candidateVerdict(
    { provider: data.provider, model: data.model, estimated_cost_usd: estimateUsd },
    {
      tenant,
      remainingMs,
      remainingCostUsd:
        job.max_cost_usd === undefined ? undefined : job.max_cost_usd - job.cost_usd,
      isCircuitOpen: (key) => !input.circuitAllowed(key),
    },
  );
  if (!verdict.ok) return handOff(job, verdict.reason, verdict.detail);
  return { kind: 'run', job, task, tenant, model, provider, estimateUsd, remainingMs };
}

export type ReservationAdmission =
  | { kind: 'run'; reservationId?: string }
  | { kind: 'handOff'; error: AttemptError }
  /** The reservation made for nothing, to hand back */
  | { kind: 'standDown'; unusedReservationId?: string };

/**
 * The daily-budget reservation's answer, as an admission: a job that ended while the reservation
 * waited stands down, and a refusal is a hand-off like the gate's (a cheaper candidate may still
 * fit the day).
 */
export function admitReservation(
  reserved: BudgetReservation,
  jobEnded: boolean,
): ReservationAdmission {
  const reservationId = reserved.kind === 'reserved' ? reserved.reservationId : undefined;
  if (jobEnded) return { kind: 'standDown', unusedReservationId: reservationId };
  if (reserved.kind === 'refused') return { kind: 'handOff', error: reserved.error };
  return { kind: 'run', reservationId };
}

function handOff(job: JobRecord, type: string, message: string): Admission {
  return { kind: 'handOff', job, error: { type, message } };
}
