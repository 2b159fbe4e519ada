import './instrument';
import { loadConfig } from '@switchyard/config';
import { exitOnStartupError, startProcess } from '@switchyard/runtime';
import { providersFromArgs } from './worker-args';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const providers = providersFromArgs(process.argv.slice(2), config.workerProviders);
  if (providers.length === 0) {
    process.stderr.write(
      'worker: name the provider to serve: --provider <name> or SWITCHYARD_PROVIDER=<name>\n',
    );
    process.exit(2);
  }
  await startProcess({
    processName: `worker-${providers.join('+')}`,
    config,
    drainLedgerOutbox: true,
    features: [WorkerModule.forProviders(providers)],
  });
}

main().catch(exitOnStartupError('worker'));
