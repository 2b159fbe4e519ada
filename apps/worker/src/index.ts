// What other apps may compose: the all-in-one runs this app's module in its own process.
export { WorkerModule } from './worker.module';
