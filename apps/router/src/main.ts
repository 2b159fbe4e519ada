import './instrument';
import { exitOnStartupError, startProcess } from '@switchyard/runtime';
import { RouterModule } from './router.module';

startProcess({ processName: 'router', drainLedgerOutbox: true, features: [RouterModule] }).catch(
  exitOnStartupError('router'),
);
