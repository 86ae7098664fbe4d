/**
 * Imported first by index.ts: telemetry (when APPLICATIONINSIGHTS_CONNECTION_STRING is set) hooks every invocation
 * before any function is registered or any client is created.
 */
import { startTelemetry } from '../shared/platform/telemetry';

void startTelemetry();
