import { z } from 'zod';
import { boolSetting, intSetting, localOnly, optionalSetting } from './env';

/**
 * Settings every context needs: where the app runs, where its stores are, how it is reached.
 * Names are the app settings' names (the same in local.settings.sample.json and bicep/).
 */
export const coreSettings = z.object({
  /** `local` wires embedded adapters (local broker, dev issuer, key file); `azure` wires managed identity. */
  APP_ENV: z.enum(['local', 'azure']).default('local'),
  /** Public origin of the function app, used in links we send (email approvals, OAuth redirects). */
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:7071'),
  /** Origin of the web app, where OAuth callbacks and email pages send people back to. */
  WEB_BASE_URL: z.string().url().default('http://localhost:7071'),

  COSMOS_ENDPOINT: z.string().url().default('https://127.0.0.1:8081'),
  /** Account key; only for the local Cosmos-API server. Unset in Azure (managed identity). */
  COSMOS_KEY: localOnly(optionalSetting()),
  COSMOS_DATABASE: z.string().min(1).default('agents'),
  /** Accept the local server's self-signed certificate. Never set in Azure. */
  COSMOS_TLS_INSECURE: localOnly(boolSetting(false)),
  /** Create the database and containers at start-up (local); Bicep creates them in Azure. */
  COSMOS_CREATE_CONTAINERS: localOnly(boolSetting(false)),

  /** Blob service endpoint (Azure, managed identity), e.g. https://<account>.blob.core.windows.net */
  BLOB_ENDPOINT: optionalSetting(),
  /** Blob connection string (local Azurite: UseDevelopmentStorage=true). */
  BLOB_CONNECTION_STRING: localOnly(optionalSetting()),
  BLOB_CONTAINER: z.string().min(3).default('tenant-data'),

  /** `local`: the local runtime's broker over HTTP; `servicebus`: Azure Service Bus with managed identity. */
  EVENTS_MODE: z.enum(['local', 'servicebus']).default('local'),
  LOCAL_BROKER_URL: localOnly(z.string().url().default('http://127.0.0.1:7071/runtime/broker')),
  ServiceBusConnection__fullyQualifiedNamespace: optionalSetting(),
  EVENTS_TOPIC: z.string().min(1).default('domain-events'),

  /** Client id of the user-assigned managed identity (Azure). */
  AZURE_CLIENT_ID: optionalSetting(),

  /** Largest accepted request body, in bytes. */
  HTTP_MAX_BODY_BYTES: intSetting(1_048_576),
  TASKHUB_NAME: z.string().default('LocalHub'),
});
