import { Module, type DynamicModule } from '@nestjs/common';
import { AnswerCache } from './answer-cache';
import { AttemptProcessor } from './attempt-processor';
import { LimiterWatch } from './limiter-watch';
import { DailyBudgetReservation } from './daily-budget-reservation';
import { ProviderWorkerPool, WORKER_PROVIDERS } from './provider-worker-pool';
import { RouterHandoff } from './router-handoff';
import { StuckAttemptRescuer } from './stuck-attempt-rescuer';

/** Provider worker pools; `'all'` serves every provider of the routing table (the all-in-one). */
@Module({})
export class WorkerModule {
  static forProviders(providers: string[] | 'all'): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_PROVIDERS, useValue: providers },
        AttemptProcessor,
        AnswerCache,
        RouterHandoff,
        DailyBudgetReservation,
        StuckAttemptRescuer,
        ProviderWorkerPool,
        LimiterWatch,
      ],
    };
  }
}
