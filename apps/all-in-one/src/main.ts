import './instrument';
import { loadConfig } from '@switchyard/config';
import { ensureLocalRedis, exitOnStartupError, startProcess } from '@switchyard/runtime';
import { DispatcherModule } from '../../dispatcher/src/dispatcher.module';
import { configureIngressHttp } from '../../ingress/src/ingress-http';
import { IngressModule } from '../../ingress/src/ingress.module';
import { RouterModule } from '../../router/src/router.module';
import { WorkerModule } from '../../worker/src/worker.module';
import { startBundledSimulatorIfNeeded } from './bundled-simulator';

/**
 * `npm start`: ingress, router, a worker pool per provider and the webhook dispatcher in one
 * process, composed from the same modules the split processes run.
 */
async function main(): Promise<void> {
  const env = loadConfig();
  const redis = await ensureLocalRedis(process.env, env.dataDir);
  process.env.REDIS_URL = redis.url;
  const config = loadConfig();
  // The simulator and a child redis-server live exactly as long as this process.
  await startBundledSimulatorIfNeeded(config);
  await startProcess({
    processName: 'all-in-one',
    config,
    embeddedLedger: true,
    features: [
      IngressModule,
      RouterModule,
      WorkerModule.forProviders('all'),
      DispatcherModule.inProcess(),
    ],
    configureHttp: configureIngressHttp,
  });
}

main().catch(exitOnStartupError('all-in-one'));
