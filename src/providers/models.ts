import type { ProviderModelSettings } from '../store/config-schema.js';
import type { Usage } from './types.js';

/** What we know of a model without asking: its window and its price (USD per million tokens). */
export interface ModelInfo {
  contextWindow: number;
  inputPrice?: number;
  outputPrice?: number;
  cacheReadPrice?: number;
  cacheWritePrice?: number;
}

/**
 * Matched by prefix at a `-` boundary, longest first, so dated snapshots (`gpt-4o-2024-08-06`)
 * find their family but `gpt-5.4` does not take `gpt-5`'s price. Unlisted models cost 0 unless
 * `providers.<id>.models.<model>.inputPrice/outputPrice` say otherwise.
 */
const KNOWN: Array<[string, ModelInfo]> = [
  ['gpt-5-nano', { contextWindow: 400_000, inputPrice: 0.05, outputPrice: 0.4, cacheReadPrice: 0.005 }],
  ['gpt-5-mini', { contextWindow: 400_000, inputPrice: 0.25, outputPrice: 2, cacheReadPrice: 0.025 }],
  ['gpt-5', { contextWindow: 400_000, inputPrice: 1.25, outputPrice: 10, cacheReadPrice: 0.125 }],
  ['gpt-4.1-nano', { contextWindow: 1_047_576, inputPrice: 0.1, outputPrice: 0.4, cacheReadPrice: 0.025 }],
  ['gpt-4.1-mini', { contextWindow: 1_047_576, inputPrice: 0.4, outputPrice: 1.6, cacheReadPrice: 0.1 }],
  ['gpt-4.1', { contextWindow: 1_047_576, inputPrice: 2, outputPrice: 8, cacheReadPrice: 0.5 }],
  ['gpt-4o-mini', { contextWindow: 128_000, inputPrice: 0.15, outputPrice: 0.6, cacheReadPrice: 0.075 }],
  ['gpt-4o', { contextWindow: 128_000, inputPrice: 2.5, outputPrice: 10, cacheReadPrice: 1.25 }],
  ['o4-mini', { contextWindow: 200_000, inputPrice: 1.1, outputPrice: 4.4, cacheReadPrice: 0.275 }],
  ['o3', { contextWindow: 200_000, inputPrice: 2, outputPrice: 8, cacheReadPrice: 0.5 }],
  ['claude-opus-4', { contextWindow: 200_000, inputPrice: 15, outputPrice: 75, cacheReadPrice: 1.5, cacheWritePrice: 18.75 }],
  ['claude-sonnet-4', { contextWindow: 200_000, inputPrice: 3, outputPrice: 15, cacheReadPrice: 0.3, cacheWritePrice: 3.75 }],
  ['claude-haiku-4', { contextWindow: 200_000, inputPrice: 1, outputPrice: 5, cacheReadPrice: 0.1, cacheWritePrice: 1.25 }],
  ['claude-3-7-sonnet', { contextWindow: 200_000, inputPrice: 3, outputPrice: 15, cacheReadPrice: 0.3, cacheWritePrice: 3.75 }],
  ['claude-3-5-haiku', { contextWindow: 200_000, inputPrice: 0.8, outputPrice: 4, cacheReadPrice: 0.08, cacheWritePrice: 1 }],
];
KNOWN.sort(([a], [b]) => b.length - a.length);

const FALLBACK_WINDOW = 128_000;

export function modelInfo(model: string, settings?: ProviderModelSettings): ModelInfo {
  const known = KNOWN.find(([prefix]) => model === prefix || model.startsWith(`${prefix}-`))?.[1];
  return {
    ...known,
    contextWindow: settings?.contextWindow ?? known?.contextWindow ?? FALLBACK_WINDOW,
    ...(settings?.inputPrice !== undefined ? { inputPrice: settings.inputPrice } : {}),
    ...(settings?.outputPrice !== undefined ? { outputPrice: settings.outputPrice } : {}),
  };
}

/** USD for one response; 0 when the price is unknown (local models, unlisted ids). */
export function costOf(info: ModelInfo, usage: Usage): number {
  const perToken = (price: number | undefined) => (price ?? 0) / 1_000_000;
  const cost =
    usage.input * perToken(info.inputPrice) +
    usage.output * perToken(info.outputPrice) +
    usage.cacheRead * perToken(info.cacheReadPrice ?? info.inputPrice) +
    usage.cacheWrite * perToken(info.cacheWritePrice ?? info.inputPrice);
  return Math.round(cost * 1e6) / 1e6;
}
