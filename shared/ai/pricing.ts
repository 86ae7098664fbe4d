import type { TokenUsage } from './types';

/** USD per one million tokens. */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
}

/** List prices of common models (USD / 1M tokens). Deployments can override or extend with `AI_PRICES`. */
const DEFAULT_PRICES: Record<string, ModelPrice> = {
  offline: { input: 0, cachedInput: 0, output: 0 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
};

/** Model prices: the list prices above, overridden or extended by the deployment's `AI_PRICES`. */
export interface PriceTable {
  /** The price of a model; dated variants ("gpt-4o-2024-08-06") use their base model's price. Unknown: undefined. */
  priceOf(model: string): ModelPrice | undefined;
  /** Cost in USD; cached prompt tokens are billed at the cached rate. Unknown models cost 0 (and are reported). */
  cost(model: string, usage: TokenUsage): number;
}

/** A price table from the list prices and `overridesJson` (`AI_PRICES`: model -> partial price), if given. */
export function createPriceTable(overridesJson?: string): PriceTable {
  const prices: Record<string, ModelPrice> = { ...DEFAULT_PRICES };
  if (overridesJson) {
    const parsed = JSON.parse(overridesJson) as Record<string, Partial<ModelPrice>>;
    for (const [model, price] of Object.entries(parsed)) {
      const input = Number(price.input ?? 0);
      prices[model] = {
        input,
        cachedInput: Number(price.cachedInput ?? input),
        output: Number(price.output ?? 0),
      };
    }
  }

  function priceOf(model: string): ModelPrice | undefined {
    if (prices[model]) return prices[model];
    const base = Object.keys(prices)
      .filter((name) => model.startsWith(`${name}-`))
      .sort((a, b) => b.length - a.length)[0];
    return base ? prices[base] : undefined;
  }

  function cost(model: string, usage: TokenUsage): number {
    const price = priceOf(model);
    if (!price) return 0;
    const uncached = Math.max(0, usage.promptTokens - usage.cachedPromptTokens);
    const usd =
      (uncached * price.input + usage.cachedPromptTokens * price.cachedInput + usage.completionTokens * price.output) /
      1e6;
    return Math.round(usd * 1e8) / 1e8;
  }

  return { priceOf, cost };
}
