import type { AttemptRecord, JobError } from '@switchyard/jobs';

/** Who made the attempt: the fields every record of it carries, whatever its outcome. */
export interface AttemptOrigin {
  hop: number;
  tryNumber: number;
  provider: string;
  /** The provider's own model name */
  model: string;
  startedAt: Date;
}

export function runningAttempt(origin: AttemptOrigin): AttemptRecord {
  return { ...base(origin), status: 'running' };
}

export function succeededAttempt(
  origin: AttemptOrigin,
  outcome: { modelRevision: string; latencyMs: number; costUsd: number; usageEstimated?: boolean },
): AttemptRecord {
  return {
    ...base(origin),
    model_revision: outcome.modelRevision,
    status: 'succeeded',
    latency_ms: Math.round(outcome.latencyMs),
    cost_usd: outcome.costUsd,
    ...(outcome.usageEstimated ? { usage_estimated: true as const } : {}),
  };
}

/** A failed call; `cost_usd` only when the provider billed something (a cut or invalid answer). */
export function failedAttempt(
  origin: AttemptOrigin,
  outcome: { error: JobError; latencyMs: number; costUsd: number },
): AttemptRecord {
  return {
    ...base(origin),
    status: 'failed',
    error: { type: outcome.error.type, message: outcome.error.message },
    latency_ms: Math.round(outcome.latencyMs),
    ...(outcome.costUsd > 0 ? { cost_usd: outcome.costUsd } : {}),
  };
}

function base(origin: AttemptOrigin): Omit<AttemptRecord, 'status'> {
  return {
    hop: origin.hop,
    try: origin.tryNumber,
    provider: origin.provider,
    model: origin.model,
    started_at: origin.startedAt.toISOString(),
  };
}
