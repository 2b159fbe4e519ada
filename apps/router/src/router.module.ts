import { Module } from '@nestjs/common';
import { DeadlineSweeper } from './deadline-sweeper';
import { EvalScheduler } from './eval-scheduler';
import { RouteProcessor } from './route-processor';
import { RegressionWatch } from './regression-watch';
import { RouteWorker } from './route-worker';

@Module({
  providers: [RouteProcessor, RouteWorker, DeadlineSweeper, RegressionWatch, EvalScheduler],
})
export class RouterModule {}
