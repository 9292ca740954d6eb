import { ExitCode, OpenclawError } from '../errors.js';
import type { Config, ProviderSettings, ProviderType } from '../store/config-schema.js';
import type { Provider } from './types.js';

/** Everything needed to talk to one provider. Holds the API key in memory only. */
export interface ProviderConnection {
  id: string;
  type: ProviderType;
  api: 'chat' | 'responses';
  model: string;
  baseUrl?: string;
  apiKey: string;
  timeoutMs?: number;
  settings: ProviderSettings;
}

const DEFAULT_MODELS: Record<string, string> = {
  openai: 'gpt-5.4-mini',
  anthropic: 'claude-sonnet-4-6',
};

/** Local servers (Ollama, vLLM, LM Studio) take any key; the SDKs insist on one. */
const NO_KEY = 'openclaw-no-key';

const SETUP_HINT = [
  'Set one of:',
  '  export OPENAI_API_KEY=sk-...            (OpenAI)',
  '  export ANTHROPIC_API_KEY=sk-ant-...     (Anthropic)',
  '  export OPENAI_BASE_URL=http://localhost:11434/v1 OPENCLAW_MODEL=llama3.2   (Ollama or any OpenAI-compatible server)',
  'or add a provider to the config:',
  `  openclaw config set providers.local '{"type":"openai-compatible","baseUrl":"http://localhost:11434/v1","model":"llama3.2"}'`,
  '  openclaw config set provider local',
].join('\n');

function configError(message: string, hint: string): OpenclawError {
  return new OpenclawError('provider_config', message, { exitCode: ExitCode.usage, hint });
}

/**
 * Picks the provider and model for a run: flags, then OPENCLAW_PROVIDER/OPENCLAW_MODEL, then the
 * config, then whichever provider's key is in the environment.
 */
export function resolveConnection(
  config: Config,
  flags: { provider?: string; model?: string },
  env: NodeJS.ProcessEnv = process.env,
): ProviderConnection {
  const id = flags.provider ?? nonEmpty(env.OPENCLAW_PROVIDER) ?? config.provider ?? detectProvider(config, env);
  if (!id) throw configError('no model provider is configured', SETUP_HINT);
  const settings = config.providers?.[id] ?? {};
  const type = settings.type ?? (id === 'openai' || id === 'anthropic' ? id : undefined);
  if (!type) {
    const known = ['openai', 'anthropic', ...Object.keys(config.providers ?? {})];
    throw configError(
      `unknown provider "${id}"`,
      `Known providers: ${[...new Set(known)].join(', ')}. Define one with \`openclaw config set providers.${id}.type openai-compatible\` and a baseUrl.`,
    );
  }

  const envBaseUrl = type === 'anthropic' ? nonEmpty(env.ANTHROPIC_BASE_URL) : type === 'openai' ? nonEmpty(env.OPENAI_BASE_URL) : undefined;
  const baseUrl = settings.baseUrl ?? envBaseUrl;
  if (type === 'openai-compatible' && !baseUrl) {
    throw configError(`provider "${id}" has no baseUrl`, `openclaw config set providers.${id}.baseUrl http://localhost:11434/v1`);
  }

  let apiKey: string | undefined;
  if (settings.apiKeyEnv) {
    apiKey = nonEmpty(env[settings.apiKeyEnv]);
    if (!apiKey && type !== 'openai-compatible') {
      throw configError(`the API key variable ${settings.apiKeyEnv} (providers.${id}.apiKeyEnv) is not set`, `export ${settings.apiKeyEnv}=...`);
    }
  } else if (type === 'openai') {
    apiKey = nonEmpty(env.OPENAI_API_KEY);
  } else if (type === 'anthropic') {
    apiKey = nonEmpty(env.ANTHROPIC_API_KEY);
  }
  if (!apiKey) {
    if (type !== 'openai-compatible' && !baseUrl) {
      const variable = type === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
      throw configError(`${variable} is not set (provider "${id}")`, `export ${variable}=...  or choose another provider.\n${SETUP_HINT}`);
    }
    apiKey = NO_KEY;
  }

  const configModel = config.provider === undefined || config.provider === id ? config.model : undefined;
  const model = flags.model ?? nonEmpty(env.OPENCLAW_MODEL) ?? configModel ?? settings.model ?? DEFAULT_MODELS[type];
  if (!model) {
    throw configError(`no model is set for provider "${id}"`, `Pass --model <id>, set OPENCLAW_MODEL, or \`openclaw config set providers.${id}.model <id>\`.`);
  }

  return { id, type, api: settings.api ?? 'chat', model, baseUrl, apiKey, timeoutMs: settings.timeoutMs, settings };
}

function detectProvider(config: Config, env: NodeJS.ProcessEnv): string | undefined {
  if (nonEmpty(env.OPENAI_API_KEY) || nonEmpty(env.OPENAI_BASE_URL)) return 'openai';
  if (nonEmpty(env.ANTHROPIC_API_KEY) || nonEmpty(env.ANTHROPIC_BASE_URL)) return 'anthropic';
  const custom = Object.keys(config.providers ?? {});
  return custom.length === 1 ? custom[0] : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Loads only the SDK this run uses. */
export async function createProvider(connection: ProviderConnection): Promise<Provider> {
  if (connection.type === 'anthropic') {
    const { AnthropicProvider } = await import('./anthropic.js');
    return new AnthropicProvider(connection);
  }
  if (connection.api === 'responses') {
    const { OpenAIResponsesProvider } = await import('./openai-responses.js');
    return new OpenAIResponsesProvider(connection);
  }
  const { OpenAIChatProvider } = await import('./openai-chat.js');
  return new OpenAIChatProvider(connection);
}
