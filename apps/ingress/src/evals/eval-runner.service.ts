import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  judgeMessages,
  loadDataset,
  scoreExample,
  type CandidateOutput,
  type EvalExample,
  type JudgeAnswer,
  type JudgeRequest,
} from '@switchyard/evals';
import { JobCompletionChannel, JobStore, isTerminal } from '@switchyard/jobs';
import type { EvalResultRow, EvalRunRow, EvalStore } from '@switchyard/ledger';
import { RoutingTableHolder } from '@switchyard/routing';
import {
  LedgerService,
  SWITCHYARD_CONFIG,
  evalRunSummary,
  storedResult,
} from '@switchyard/runtime';
import { WebhookPublisher } from '@switchyard/webhooks';
import { ApiError } from '../http/api-error';
import type { CreateJobDto } from '../jobs/dto/create-job.dto';
import { JobSubmissionService } from '../jobs/job-submission.service';
import {
  candidateOutputOf,
  evalJobKey,
  pickJudge,
  planEvalItems,
  type EvalItem,
} from './eval-run-plan';

/** A job that outlives its own deadline by this much is scored as timed out. */
const DEADLINE_GRACE_MS = 5_000;

export class LedgerNotReadyError extends Error {
  override readonly name = 'LedgerNotReadyError';
}

/**
 * Executes one evaluation run: every example × candidate as a real job pinned to the candidate,
 * submitted through the same path as POST /v1/jobs (queues, workers, SDKs, budgets, ledger), awaited
 * on the completion channel, scored, and stored. Results already stored are skipped, and every
 * job's Idempotency-Key is derived from the run, so a run resumed after its process died neither
 * repeats nor pays twice for what it had done.
 */
@Injectable()
export class EvalRunner {
  private readonly logger = new Logger('Evals');

  constructor(
    private readonly ledger: LedgerService,
    private readonly submissions: JobSubmissionService,
    private readonly jobs: JobStore,
    private readonly completions: JobCompletionChannel,
    private readonly routing: RoutingTableHolder,
    private readonly webhooks: WebhookPublisher,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  store(): EvalStore {
    const handle = this.ledger.ready;
    if (!handle) throw new LedgerNotReadyError('the ledger is not connected yet');
    return handle.evals;
  }

  async execute(runId: string, concurrency: number): Promise<void> {
    const store = this.store();
    const run = await store.getRun(runId);
    if (!run || run.status === 'succeeded' || run.status === 'failed') return;
    let examples: EvalExample[];
    try {
      const all = await loadDataset(this.config.evalsDir, run.task);
      examples = run.examples_limit === null ? all : all.slice(0, run.examples_limit);
    } catch (err) {
      await store.finish(run.id, 'failed', (err as Error).message);
      await this.announce(store, run.id);
      return;
    }
    const items = planEvalItems(examples, run.candidates);
    await store.markRunning(run.id, items.length);
    const done = new Set(
      (await store.results(run.id)).map((r) => `${r.candidate}\u0000${r.example_id}`),
    );
    const todo = items.filter((i) => !done.has(`${i.candidate}\u0000${i.example.id}`));
    this.logger.log(
      `run ${run.id}: ${run.task}, ${run.candidates.length} candidate(s) × ${examples.length} example(s), ${todo.length} to go`,
    );
    let next = 0;
    const lanes = Array.from(
      { length: Math.min(Math.max(1, concurrency), todo.length) },
      async () => {
        while (next < todo.length) {
          const item = todo[next++];
          await store.saveResult(await this.scoreItem(store, run, item));
        }
      },
    );
    await Promise.all(lanes);
    await store.finish(run.id, 'succeeded');
    await this.announce(store, run.id);
  }

  private async scoreItem(
    store: EvalStore,
    run: EvalRunRow,
    item: EvalItem,
  ): Promise<EvalResultRow> {
    const { example, candidate } = item;
    const { output, jobId } = await this.answer(
      run,
      {
        task: run.task,
        messages: example.messages,
        ...(example.response_format && { response_format: example.response_format }),
        ...(example.tools && { tools: example.tools }),
        pin: candidate,
      } as CreateJobDto,
      evalJobKey(run.id, candidate, example.id),
    );
    const score = await scoreExample(example, output, {
      judge: (request) => this.judge(store, run, item, request),
    });
    return {
      run_id: run.id,
      example_id: example.id,
      candidate,
      position: item.position,
      job_id: jobId,
      model_revision: output.modelRevision ?? null,
      score: score.score,
      result: storedResult(example.id, candidate, jobId, score, output),
    };
  }

  /** A grading job on the judge task, pinned to a model on another provider than the candidate's. */
  private async judge(
    store: EvalStore,
    run: EvalRunRow,
    item: EvalItem,
    request: JudgeRequest,
  ): Promise<JudgeAnswer> {
    const choice = pickJudge(
      request.task,
      this.routing.current.tasks[request.task],
      item.candidate,
    );
    if (!choice.ok) throw new Error(choice.problem);
    if (choice.note) await store.addJudgeNote(run.id, choice.note);
    const { output } = await this.answer(
      run,
      {
        task: request.task,
        messages: judgeMessages({
          rubric: request.rubric,
          example: request.example,
          output: request.output,
        }),
        pin: choice.pin,
      } as CreateJobDto,
      evalJobKey(
        run.id,
        item.candidate,
        item.example.id,
        `judge:${request.task}:${request.rubric}`,
      ),
    );
    if (output.errorType !== undefined) {
      throw new Error(`grading job on ${choice.pin} failed: ${output.errorType}`);
    }
    return { text: output.text };
  }

  /** Submits one pinned job and waits for its end; a refusal or a timeout is the candidate's failure. */
  private async answer(
    run: EvalRunRow,
    dto: CreateJobDto,
    idempotencyKey: string,
  ): Promise<{ output: CandidateOutput; jobId: string | null }> {
    let jobId: string;
    let deadlineAt: number;
    try {
      const { job } = await this.submissions.submit(run.tenant, dto, idempotencyKey, {
        mayPin: true,
        evalRunId: run.id,
      });
      jobId = job.id;
      deadlineAt = job.deadline_at;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // Refused at submission (no candidate, budget spent, invalid example): the candidate's 0.
      return {
        output: candidateOutputOf(null, [], { type: err.type, message: err.message }),
        jobId: null,
      };
    }
    const ended = await this.completions.waitFor(
      jobId,
      Math.max(0, deadlineAt - Date.now()) + DEADLINE_GRACE_MS,
      async () => {
        const job = await this.jobs.get(jobId);
        return !!job && isTerminal(job.status);
      },
    );
    const [job, attempts] = await Promise.all([this.jobs.get(jobId), this.jobs.attempts(jobId)]);
    if (!ended || !job || !isTerminal(job.status)) {
      return {
        output: candidateOutputOf(job, attempts, {
          type: 'timeout',
          message: 'the job did not end by its deadline',
        }),
        jobId,
      };
    }
    return { output: candidateOutputOf(job, attempts), jobId };
  }

  /** `eval.completed` to the run's webhook_url, once. */
  private async announce(store: EvalStore, runId: string): Promise<void> {
    const run = await store.getRun(runId);
    if (!run?.webhook_url) return;
    const results = await store.results(run.id);
    await this.webhooks.publishEvalCompletion(run, evalRunSummary(run, results));
  }
}
