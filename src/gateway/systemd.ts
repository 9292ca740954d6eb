import { chmodSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureDir } from '../store/paths.js';

export const UNIT_NAME = 'openclaw-gateway.service';

/** `$XDG_CONFIG_HOME/systemd/user/openclaw-gateway.service`. */
export function unitPath(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME?.trim() || join(homedir(), '.config');
  return join(config, 'systemd', 'user', UNIT_NAME);
}

/**
 * The systemd user unit of the gateway. Secrets stay out of it: provider keys go in the
 * optional `$OPENCLAW_HOME/gateway/env`. SIGTERM drains the gateway within 10 s, so the stop
 * timeout leaves room; a crash restarts it, and the inbound log resumes what was unfinished.
 */
export function systemdUnit(options: { node: string; bin: string; home: string; host?: string; port?: string; allowRemote?: boolean }): string {
  const args = ['serve', ...(options.host ? ['--host', options.host] : []), ...(options.port ? ['--port', options.port] : []), ...(options.allowRemote ? ['--allow-remote'] : [])];
  return [
    '[Unit]',
    'Description=openclaw gateway (HTTP + WebSocket agent runtime)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[options.node, options.bin, ...args].map(quote).join(' ')}`,
    `Environment=${quote(`OPENCLAW_HOME=${options.home}`)}`,
    `EnvironmentFile=-${join(options.home, 'gateway', 'env')}`,
    'Restart=on-failure',
    'RestartSec=5',
    'KillSignal=SIGTERM',
    'TimeoutStopSec=15',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

export function writeUnit(path: string, unit: string): void {
  ensureDir(dirname(path));
  writeFileSync(path, unit, { mode: 0o644 });
  chmodSync(path, 0o644);
}

/** systemd's quoting: words with spaces or quotes in double quotes. */
function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, '\\$1')}"`;
}
