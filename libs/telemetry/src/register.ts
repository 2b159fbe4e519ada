/**
 * Side-effect entry point that starts telemetry as early as possible, before anything that gets
 * instrumented is loaded. Either preload it:
 *   node --require ./dist/libs/telemetry/src/register.js dist/apps/worker/src/main.js
 * or make it the very first import of a main.ts. The service name comes from OTEL_SERVICE_NAME
 * (read by the SDK itself); without it spans are reported as "switchyard". Deliberately not
 * exported from index.ts: importing the library must never start an SDK by accident. Code that
 * needs the handle (for shutdown) calls startTelemetry() again, which returns the same handle.
 */
import { startTelemetry } from './start-telemetry';

startTelemetry({ serviceName: 'switchyard' });
