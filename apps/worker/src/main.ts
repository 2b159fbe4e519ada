import './instrument';
import { exitOnStartupError, startProcess } from '@switchyard/runtime';
import { providersFromArgs } from './worker-args';
import { WorkerModule } from './worker.module';

const providers = providersFromArgs(process.argv.slice(2), process.env);
if (providers.length === 0) {
  process.stderr.write(
    'worker: name the provider to serve: --provider <name> or SWITCHYARD_PROVIDER=<name>\n',
  );
  process.exit(2);
}
startProcess({
  processName: `worker-${providers.join('+')}`,
  drainLedgerOutbox: true,
  features: [WorkerModule.forProviders(providers)],
}).catch(exitOnStartupError('worker'));
