// What other apps may compose: the all-in-one runs this app's module in its own process.
export { DispatcherModule } from './dispatcher.module';
