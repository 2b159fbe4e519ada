// Imported first by main.ts: OpenTelemetry must patch http, ioredis and Nest before they load.
import { startTelemetry } from '@switchyard/telemetry';

startTelemetry({ serviceName: 'switchyard-dispatcher' });
