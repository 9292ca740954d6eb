import { accessSettings } from '../../channels/access.js';
import { PairingStore } from '../../channels/pairing.js';
import { configuredChannels, type ConfiguredChannel } from '../../channels/registry.js';
import type { ChannelHealth } from '../../channels/types.js';
import { readToken } from '../../gateway/auth.js';
import { fetchStatus, gatewayPaths, readGatewayRecord } from '../../gateway/pidfile.js';
import { loadConfig } from '../../store/config.js';
import type { Config } from '../../store/config-schema.js';
import { storePaths } from '../../store/paths.js';
import { paint, printJson, table, warn } from '../output.js';

/** `openclaw channels list`: the chat channels as configured, whether or not a gateway runs. */
export async function list(options: { json?: boolean }): Promise<void> {
  const paths = storePaths();
  const { config, warnings } = loadConfig(paths);
  if (!options.json) for (const warning of warnings) warn(warning);
  const pairing = new PairingStore(gatewayPaths(paths).dir);
  const channels = configuredChannels(config, process.env).map((channel) => describe(channel, config, pairing));
  if (options.json) {
    printJson(channels);
    return;
  }
  const rows = channels.map((channel) => [
    channel.id,
    channel.enabled ? (channel.problem ? 'misconfigured' : 'enabled') : channel.configured ? 'disabled' : 'not configured',
    channel.credentials.map((credential) => `${credential.key.split('.').pop()}: ${credential.source === 'env' ? credential.env : credential.source}`).join(', '),
    channel.configured ? `${channel.dmPolicy}, ${channel.allowFrom.length + channel.paired} allowed` : '',
    channel.configured ? `${channel.groups.length === 0 ? 'allowed senders' : channel.groups.join(' ')}${channel.requireMention ? ' (when mentioned)' : ''}` : '',
  ]);
  process.stdout.write(`${table(rows, ['CHANNEL', 'STATE', 'CREDENTIALS', 'DIRECT MESSAGES', 'GROUPS'])}\n`);
  for (const channel of channels) if (channel.problem) warn(`${channel.id}: ${channel.problem}`);
  if (!channels.some((channel) => channel.configured)) {
    process.stdout.write('\nNo chat channel is configured. For Telegram: openclaw config set channels.telegram.token <token from @BotFather>\n');
  }
}

/** `openclaw channels status`: each channel's health in the running gateway. Exit 1 without a gateway or with a channel down. */
export async function status(options: { json?: boolean }): Promise<void> {
  const paths = storePaths();
  const files = gatewayPaths(paths);
  const { config } = loadConfig(paths);
  const configured = configuredChannels(config, process.env).filter((channel) => channel.enabled);
  const record = readGatewayRecord(files.pidFile);
  const live = record ? await fetchStatus(record, readToken(files.token)) : { error: 'no gateway is running' };
  const health = (live.status?.channels ?? {}) as Record<string, ChannelHealth>;
  const rows = Object.entries(health).map(([id, item]) => ({ id, running: true, ...item }));
  for (const channel of configured) {
    if (!health[channel.id]) rows.push({ id: channel.id, running: false, ok: false, detail: record ? 'configured, but not running in the gateway: restart it to start the channel' : 'configured; the gateway is not running' });
  }
  const down = !live.status || rows.some((row) => !row.ok);
  process.exitCode = down ? 1 : 0;
  if (options.json) {
    printJson({ gateway: live.status ? { running: true, url: live.status.url, pid: live.status.pid } : { running: false, ...(live.error ? { error: live.error } : {}) }, channels: rows });
    return;
  }
  const out = process.stdout;
  if (!live.status) out.write(`${paint(out, 'yellow', 'gateway not answering')}: ${live.error}${record ? '' : ' (start it with `openclaw serve start`)'}\n`);
  else out.write(`gateway: ${live.status.url} (pid ${live.status.pid})\n`);
  if (rows.length === 0) return;
  const lines = rows.map((row) => [
    row.id,
    row.ok ? paint(out, 'green', 'ok') : paint(out, 'red', row.running ? 'failing' : 'stopped'),
    'lastInboundAt' in row && row.lastInboundAt ? row.lastInboundAt.replace('T', ' ').slice(0, 19) : '-',
    row.detail,
  ]);
  out.write(`${table(lines, ['CHANNEL', 'HEALTH', 'LAST INBOUND', 'DETAIL'])}\n`);
}

function describe(channel: ConfiguredChannel, config: Config, pairing: PairingStore) {
  const { dmPolicy, allowFrom, groups, requireMention, toolProfile } = accessSettings(config.channels?.[channel.id] ?? {});
  return {
    id: channel.id,
    configured: channel.configured,
    enabled: channel.enabled,
    ...(channel.problem ? { problem: channel.problem } : {}),
    credentials: channel.credentials.map(({ key, env, source }) => ({ key, env, source })),
    dmPolicy,
    allowFrom,
    paired: pairing.approved(channel.id).length,
    pendingPairings: pairing.pending(channel.id).length,
    groups,
    requireMention,
    toolProfile,
  };
}
