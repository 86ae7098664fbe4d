import type { Settings } from '../platform/config';
import { createGateway, type AiGateway } from './gateway';
import { createOpenAiProvider } from './openai-provider';
import { createPriceTable } from './pricing';

/** The gateway configured from the app settings (offline unless a provider is set). */
export function createAiGateway(settings: Settings): AiGateway {
  const provider =
    settings.AI_PROVIDER === 'offline'
      ? undefined
      : createOpenAiProvider({
          kind: settings.AI_PROVIDER,
          baseUrl: settings.AI_BASE_URL,
          apiKey: settings.AI_API_KEY,
          azureEndpoint: settings.AZURE_OPENAI_ENDPOINT,
          azureApiVersion: settings.AZURE_OPENAI_API_VERSION,
          azureClientId: settings.AZURE_CLIENT_ID,
        });
  return createGateway({
    provider,
    models: { small: settings.AI_MODEL_SMALL, large: settings.AI_MODEL_LARGE },
    prices: createPriceTable(settings.AI_PRICES),
    timeoutMs: settings.AI_TIMEOUT_MS,
    maxRetries: settings.AI_MAX_RETRIES,
    maxRetryDelayMs: settings.AI_MAX_RETRY_DELAY_MS,
    maxOutputTokens: { default: settings.AI_MAX_OUTPUT_TOKENS, perTask: settings.AI_TASK_MAX_OUTPUT_TOKENS },
  });
}
