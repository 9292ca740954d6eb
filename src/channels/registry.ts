import { SECRET_CONFIG_KEYS, type Config } from '../store/config-schema.js';
import type { RetryTiming } from './supervisor.js';
import type { ChannelAdapter } from './types.js';

export type ChatChannelId = 'telegram' | 'slack';

export const CHAT_CHANNELS: readonly ChatChannelId[] = ['telegram', 'slack'];

/** A secret a channel needs, and where it was found. */
export interface ChannelCredential {
  /** The config key that can hold it. */
  key: string;
  env: string;
  source: 'config' | 'env' | 'missing';
  value?: string;
}

/** A chat channel as the config and environment describe it; shared by the gateway, `channels list` and doctor. */
export interface ConfiguredChannel {
  id: ChatChannelId;
  /** It has a config block or a token in the environment. */
  configured: boolean;
  /** `openclaw serve` runs it: configured, not turned off. */
  enabled: boolean;
  credentials: ChannelCredential[];
  /** Why an enabled channel cannot start (a missing token). */
  problem?: string;
}

/** A channel's credentials: the secret config keys under `channels.<id>.` that an environment variable can also hold. */
function credentialKeys(id: ChatChannelId): Array<{ key: string; env: string; field: string }> {
  return Object.entries(SECRET_CONFIG_KEYS)
    .filter(([key, env]) => env !== '' && key.startsWith(`channels.${id}.`))
    .map(([key, env]) => ({ key, env, field: key.slice(`channels.${id}.`.length) }));
}

/** Every chat channel openclaw has, configured or not. A token in the config wins over the environment. */
export function configuredChannels(config: Config, env: NodeJS.ProcessEnv): ConfiguredChannel[] {
  return CHAT_CHANNELS.map((id) => {
    const settings = (config.channels?.[id] ?? {}) as Record<string, unknown>;
    const credentials: ChannelCredential[] = credentialKeys(id).map(({ key, env: name, field }) => {
      const fromConfig = typeof settings[field] === 'string' ? (settings[field] as string) : undefined;
      const fromEnv = env[name]?.trim() || undefined;
      const value = fromConfig ?? fromEnv;
      return { key, env: name, source: fromConfig ? 'config' : fromEnv ? 'env' : 'missing', ...(value ? { value } : {}) };
    });
    const configured = config.channels?.[id] !== undefined || credentials.some((credential) => credential.source !== 'missing');
    const enabled = configured && settings.enabled !== false;
    const missing = credentials.filter((credential) => credential.source === 'missing');
    return {
      id,
      configured,
      enabled,
      credentials,
      ...(enabled && missing.length > 0 ? { problem: `no ${missing.map((credential) => `${credential.key} (or ${credential.env})`).join(' and ')}` } : {}),
    };
  });
}

export interface ChannelFactoryOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  /** `$OPENCLAW_HOME/gateway`: where the pairing records live. */
  gatewayDir: string;
  retry?: RetryTiming;
}

/**
 * The adapters of the enabled chat channels. Each adapter's module, and so its SDK (grammY,
 * Bolt), is loaded only when its channel is enabled.
 */
export async function chatChannelAdapters(options: ChannelFactoryOptions): Promise<ChannelAdapter[]> {
  const adapters: ChannelAdapter[] = [];
  for (const channel of configuredChannels(options.config, options.env)) {
    if (!channel.enabled) continue;
    const token = (key: string) => channel.credentials.find((credential) => credential.key === key)?.value;
    if (channel.id === 'telegram') {
      const { TelegramAdapter } = await import('./telegram/adapter.js');
      adapters.push(new TelegramAdapter({ ...options, settings: options.config.channels?.telegram ?? {}, token: token('channels.telegram.token'), problem: channel.problem }));
    } else {
      const { SlackAdapter } = await import('./slack/adapter.js');
      adapters.push(
        new SlackAdapter({ ...options, settings: options.config.channels?.slack ?? {}, botToken: token('channels.slack.botToken'), appToken: token('channels.slack.appToken'), problem: channel.problem }),
      );
    }
  }
  return adapters;
}
