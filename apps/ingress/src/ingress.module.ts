import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import { REDIS_CONSUMER, SWITCHYARD_CONFIG } from '@switchyard/runtime';
import { AlertLog } from '@switchyard/webhooks';
import { ConsoleController } from './console/console.controller';
import { OperationsController } from './console/operations.controller';
import { TenantAuthGuard } from './http/tenant-auth.guard';
import { EvalRunner } from './evals/eval-runner.service';
import { EvalRunsService } from './evals/eval-runs.service';
import { EvalWorker } from './evals/eval-worker';
import { EvalsController } from './evals/evals.controller';
import { JobEventStreamService } from './jobs/job-event-stream.service';
import { CachedAnswers } from './jobs/cached-answers.service';
import { JobPlanner } from './jobs/job-planner.service';
import { PlanningSignals } from './jobs/planning-signals';
import { JobQueryService } from './jobs/job-query.service';
import { JobSubmissionService } from './jobs/job-submission.service';
import { JobsController } from './jobs/jobs.controller';
import { ChatCompletionsService } from './openai-compat/chat-completions.service';
import { OpenAiCompatController } from './openai-compat/openai-compat.controller';
import { ObservabilityController } from './observability/observability.controller';
import { ProvidersController } from './routes/providers.controller';
import { ReportsController } from './reports/reports.controller';
import { RoutesController } from './routes/routes.controller';
import { SpendController } from './routes/spend.controller';

/** The REST API: jobs, the routing table, spend, provider health, calls and stats. */
@Module({
  controllers: [
    JobsController,
    RoutesController,
    SpendController,
    ProvidersController,
    ObservabilityController,
    ReportsController,
    OperationsController,
    ConsoleController,
    OpenAiCompatController,
    EvalsController,
  ],
  providers: [
    TenantAuthGuard,
    PlanningSignals,
    JobPlanner,
    CachedAnswers,
    JobSubmissionService,
    JobQueryService,
    JobEventStreamService,
    ChatCompletionsService,
    EvalRunsService,
    EvalRunner,
    EvalWorker,
    {
      provide: AlertLog,
      inject: [REDIS_CONSUMER, SWITCHYARD_CONFIG],
      useFactory: (redis: Redis, config: SwitchyardConfig) =>
        new AlertLog(redis, config.redisPrefix),
    },
  ],
})
export class IngressModule {}
