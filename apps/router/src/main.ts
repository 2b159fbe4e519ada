import './instrument';
import { exitOnStartupError, startProcess } from '@switchyard/runtime';
import { RouterModule } from './router.module';

startProcess({ processName: 'router', features: [RouterModule] }).catch(
  exitOnStartupError('router'),
);
