import type OpenAI from 'openai';
import type { ModelProvider, ModelRequest, ModelResponse } from './types';

export interface OpenAiProviderOptions {
  kind: 'openai' | 'azure-openai' | 'compatible';
  baseUrl?: string;
  apiKey?: string;
  azureEndpoint?: string;
  azureApiVersion?: string;
  /** Client id of the managed identity for Azure OpenAI (Entra token). */
  azureClientId?: string;
}

async function createClient(options: OpenAiProviderOptions): Promise<OpenAI> {
  const { default: OpenAIClient, AzureOpenAI } = await import('openai');
  // Retries are ours (gateway), so the SDK must not retry on its own.
  const common = { maxRetries: 0 };
  if (options.kind === 'azure-openai') {
    if (!options.azureEndpoint) throw new Error('AZURE_OPENAI_ENDPOINT is required for AI_PROVIDER=azure-openai');
    const { ManagedIdentityCredential, DefaultAzureCredential, getBearerTokenProvider } =
      await import('@azure/identity');
    const credential = options.azureClientId
      ? new ManagedIdentityCredential({ clientId: options.azureClientId })
      : new DefaultAzureCredential();
    return new AzureOpenAI({
      ...common,
      endpoint: options.azureEndpoint,
      apiVersion: options.azureApiVersion,
      azureADTokenProvider: getBearerTokenProvider(credential, 'https://cognitiveservices.azure.com/.default'),
    });
  }
  if (options.kind === 'compatible' && !options.baseUrl)
    throw new Error('AI_BASE_URL is required for AI_PROVIDER=compatible');
  // Local servers (Ollama, vLLM) accept any key; the SDK insists on one.
  return new OpenAIClient({ ...common, baseURL: options.baseUrl, apiKey: options.apiKey ?? 'not-needed' });
}

/** Chat completions with structured outputs through the `openai` package (OpenAI, Azure OpenAI, compatible URLs). */
export function createOpenAiProvider(options: OpenAiProviderOptions): ModelProvider {
  let client: Promise<OpenAI> | undefined;
  return {
    name: options.kind,
    async complete(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse> {
      client ??= createClient(options).catch((err) => {
        client = undefined;
        throw err;
      });
      const completion = await (
        await client
      ).chat.completions.create(
        {
          model: request.model,
          messages: request.messages,
          response_format: {
            type: 'json_schema',
            json_schema: { name: request.schemaName, schema: request.jsonSchema, strict: false },
          },
          max_completion_tokens: request.maxOutputTokens,
        },
        { signal },
      );
      const usage = completion.usage;
      return {
        content: completion.choices[0]?.message?.content ?? '',
        model: completion.model || request.model,
        usage: {
          promptTokens: usage?.prompt_tokens ?? 0,
          cachedPromptTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
          completionTokens: usage?.completion_tokens ?? 0,
        },
      };
    },
  };
}
