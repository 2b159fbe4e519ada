import './instrument';
import { exitOnStartupError, startProcess } from '@switchyard/runtime';
import { configureIngressHttp } from './ingress-http';
import { IngressModule } from './ingress.module';

startProcess({
  processName: 'ingress',
  features: [IngressModule],
  configureHttp: configureIngressHttp,
}).catch(exitOnStartupError('ingress'));
