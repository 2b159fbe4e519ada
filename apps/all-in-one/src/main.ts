import './instrument';
import { loadConfig } from '@switchyard/config';
import { ensureLocalRedis, exitOnStartupError, startProcess } from '@switchyard/runtime';
import { DispatcherModule } from '../../dispatcher/src';
import { configureIngressHttp, IngressModule } from '../../ingress/src';
import { RouterModule } from '../../router/src';
import { WorkerModule } from '../../worker/src';
import { startBundledSimulatorIfNeeded } from './bundled-simulator';

/**
 * `npm start`: ingress, router, a worker pool per provider and the webhook dispatcher in one
 * process, composed from the same modules the split processes run.
 */
async function main(): Promise<void> {
  const configured = loadConfig();
  const redis = await ensureLocalRedis(configured.redisUrl, configured.dataDir);
  // The Redis found or started here goes to every module through the config, not process.env.
  const config = { ...configured, redisUrl: redis.url };
  // The simulator and a child redis-server live exactly as long as this process.
  await startBundledSimulatorIfNeeded(config);
  await startProcess({
    processName: 'all-in-one',
    config,
    embeddedLedger: true,
    drainLedgerOutbox: true,
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
