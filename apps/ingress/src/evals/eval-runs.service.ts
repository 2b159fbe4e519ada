import { Inject, Injectable } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import { EvalDatasetError, loadDataset } from '@switchyard/evals';
import type { EvalRunStatus, EvalStore } from '@switchyard/ledger';
import { QueueRegistry } from '@switchyard/redis';
import { RoutingTableHolder } from '@switchyard/routing';
import {
  LedgerService,
  SWITCHYARD_CONFIG,
  enqueueEvalRun,
  evalRunSummary,
  evalRunView,
  newEvalRunId,
  type EvalRunSummaryView,
  type EvalRunView,
} from '@switchyard/runtime';
import { validateWebhookUrl } from '@switchyard/webhooks';
import { ApiError } from '../http/api-error';
import type { CreateEvalDto } from './dto/create-eval.dto';
import { requireTask } from '../jobs/require-task';
import { resolveCandidates } from './eval-run-plan';

export const DEFAULT_EVAL_CONCURRENCY = 4;

/** POST/GET /v1/evals: checks a run request, stores it and queues it for an ingress to execute. */
@Injectable()
export class EvalRunsService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly routing: RoutingTableHolder,
    private readonly queues: QueueRegistry,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  private store(): EvalStore {
    const handle = this.ledger.ready;
    if (!handle) {
      throw ApiError.unavailable(
        this.ledger.enabled
          ? 'the ledger is not connected yet; retry shortly'
          : 'evaluation runs are stored in the ledger, which is off: set DATABASE_URL',
      );
    }
    return handle.evals;
  }

  async create(
    tenant: string,
    mayPin: boolean,
    dto: CreateEvalDto,
  ): Promise<{
    id: string;
    status: EvalRunStatus;
    task: string;
    candidates: string[];
    total: number;
  }> {
    // Every job of a run is pinned to its candidate: a key that may not pin may not run evals.
    if (!mayPin) {
      throw new ApiError(
        403,
        'forbidden',
        'evaluation runs need a key with the eval role (SWITCHYARD_EVAL_KEYS) or open mode',
      );
    }
    const table = this.routing.current;
    const task = requireTask(table, dto.task);
    const resolved = resolveCandidates(task, table.models, dto.candidates ?? 'all');
    if (!resolved.ok) {
      throw new ApiError(
        422,
        'unknown_model',
        resolved.details.map((d) => `${d.field}: ${d.problem}`).join('; '),
        resolved.details,
      );
    }
    let examples: number;
    try {
      examples = (await loadDataset(this.config.evalsDir, dto.task)).length;
    } catch (err) {
      if (!(err instanceof EvalDatasetError)) throw err;
      throw new ApiError(422, 'invalid_dataset', err.message, [
        { field: 'task', problem: err.message },
      ]);
    }
    if (dto.webhook_url) {
      const verdict = await validateWebhookUrl(dto.webhook_url, {
        allowPrivate: this.config.webhookAllowPrivate,
      });
      if (!verdict.ok) {
        throw new ApiError(422, 'invalid_webhook_url', `webhook_url: ${verdict.problem}`, [
          { field: 'webhook_url', problem: verdict.problem },
        ]);
      }
    }
    const run = await this.store().createRun({
      id: newEvalRunId(),
      tenant,
      task: task.name,
      trigger: 'api',
      candidates: resolved.candidates,
      examples_limit: dto.examples ?? null,
      webhook_url: dto.webhook_url ?? null,
    });
    await enqueueEvalRun(this.queues, {
      run_id: run.id,
      concurrency: dto.concurrency ?? DEFAULT_EVAL_CONCURRENCY,
    });
    return {
      id: run.id,
      status: run.status,
      task: run.task,
      candidates: run.candidates,
      total: Math.min(examples, dto.examples ?? examples) * run.candidates.length,
    };
  }

  async get(tenant: string, id: string): Promise<EvalRunView> {
    const store = this.store();
    const run = await store.getRun(id, tenant);
    if (!run) throw ApiError.notFound(`evaluation run ${id}`);
    return evalRunView(run, await store.results(run.id));
  }

  async list(
    tenant: string,
    task: string | undefined,
    limit: number,
  ): Promise<EvalRunSummaryView[]> {
    const store = this.store();
    const runs = await store.listRuns({ tenant, task, limit });
    return Promise.all(runs.map(async (run) => evalRunSummary(run, await store.results(run.id))));
  }
}
