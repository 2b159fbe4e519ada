// What other apps may compose: the all-in-one runs this app's module in its own process.
export { IngressModule } from './ingress.module';
export { configureIngressHttp } from './ingress-http';
