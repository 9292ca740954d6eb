import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deletePath, getPath, resolveKey } from '../store/config.js';
import { SECRET_CONFIG_KEYS, type Config } from '../store/config-schema.js';
import type { StorePaths } from '../store/paths.js';
import { ApprovalStore } from './approvals.js';
import { Redactor } from './redaction.js';
import { parseRule } from './rules.js';

export type Severity = 'high' | 'medium' | 'low';

/** One thing `openclaw security audit` found: what, how bad, and how to fix it. */
export interface Finding {
  id: string;
  severity: Severity;
  message: string;
  fix: string;
}

export interface AuditInput {
  paths: StorePaths;
  config: Config;
  /** The directory audited for a project settings file. */
  cwd: string;
  /** Whether bubblewrap runs here (the caller probes; the audit stays synchronous). */
  sandboxWorks: boolean;
}

/** Files that must be private to their owner, and the mode they should have. */
const PRIVATE = (paths: StorePaths): Array<[string, number]> => [
  [paths.home, 0o700],
  [paths.config, 0o600],
  [paths.sessions, 0o700],
  [join(paths.home, 'approvals.json'), 0o600],
  [join(paths.home, 'gateway'), 0o700],
  [join(paths.home, 'gateway', 'token'), 0o600],
];

/** A store file or folder that others on this machine can read, and the mode it should have. */
export interface ModeProblem {
  path: string;
  mode: number;
  expected: number;
  /** A transcript, or one of the store's fixed files and folders. */
  kind: 'store' | 'transcript';
}

/**
 * Store files whose mode lets group or others in: the fixed files and folders, and every
 * transcript. Shared by `security audit` (which reports them) and `doctor --fix` (which chmods them).
 */
export function modeProblems(paths: StorePaths): ModeProblem[] {
  const problems: ModeProblem[] = [];
  for (const [path, expected] of PRIVATE(paths)) {
    if (!existsSync(path)) continue;
    const mode = statSync(path).mode & 0o777;
    if ((mode & ~expected) !== 0) problems.push({ path, mode, expected, kind: 'store' });
  }
  if (existsSync(paths.sessions)) {
    for (const name of readdirSync(paths.sessions)) {
      if (!name.endsWith('.jsonl')) continue;
      const path = join(paths.sessions, name);
      const mode = statSync(path).mode & 0o777;
      if ((mode & 0o077) !== 0) problems.push({ path, mode, expected: mode & 0o700, kind: 'transcript' });
    }
  }
  return problems;
}

/** Rules that hand the agent every command or every file. */
const BROAD = new Set(['shell', 'bash', 'exec', 'write', 'network', 'mcp']);

export function securityAudit(input: AuditInput): Finding[] {
  const findings: Finding[] = [];
  const { paths, config } = input;

  const modes = modeProblems(paths);
  for (const { path, mode, expected } of modes.filter((problem) => problem.kind === 'store')) {
    findings.push({
      id: 'store-permissions',
      severity: mode & 0o007 ? 'high' : 'medium',
      message: `${path} has mode ${mode.toString(8).padStart(4, '0')}; others on this machine can read it`,
      fix: `chmod ${expected.toString(8)} ${path}`,
    });
  }
  const loose = modes.filter((problem) => problem.kind === 'transcript');
  if (loose.length > 0) {
    findings.push({
      id: 'transcript-permissions',
      severity: 'medium',
      message: `${loose.length} transcript(s) in ${paths.sessions} are readable by group or others`,
      fix: `chmod 600 ${join(paths.sessions, '*.jsonl')}`,
    });
  }

  const redactor = new Redactor();
  // A channel token has a settable key of its own (config.json is 0600): a low finding, below.
  const tokens = channelTokens(config);
  for (const file of [paths.config, join(input.cwd, '.openclaw', 'settings.json')]) {
    if (!existsSync(file)) continue;
    let text = readFileSync(file, 'utf8');
    if (file === paths.config) text = withoutChannelTokens(text);
    if (redactor.redact(text) !== text) {
      findings.push({
        id: 'secret-in-config',
        severity: 'high',
        message: `${file} holds what looks like an API key or token`,
        fix: 'Move it to an environment variable and name that variable with providers.<id>.apiKeyEnv.',
      });
    }
  }

  for (const { key, env } of tokens) {
    if (!env) continue;
    findings.push({
      id: 'channel-token-in-config',
      severity: 'low',
      message: `${key} is stored in ${paths.config}; anyone who can read that file can run the bot`,
      fix: `Keep the file at mode 0600, or move the token to ${env} (in $OPENCLAW_HOME/gateway/env for the systemd unit) and \`openclaw config unset ${key}\`.`,
    });
  }

  if (config.approval === 'full') {
    findings.push({
      id: 'full-approval-default',
      severity: 'medium',
      message: 'the default approval mode is full: every tool call runs without asking',
      fix: 'openclaw config set approval auto-edit   (or ask)',
    });
  }
  const broadRules = [
    ...(config.permissions?.allow ?? []).map((rule) => ({ rule, where: 'config permissions.allow' })),
    ...new ApprovalStore(paths.home).list().map((item) => ({ rule: item.rule, where: `approvals.json (${item.where})` })),
  ].filter(({ rule }) => isBroad(rule));
  for (const { rule, where } of broadRules) {
    findings.push({
      id: 'broad-allow-rule',
      severity: rule.startsWith('shell') || rule.startsWith('bash') || rule.startsWith('exec') ? 'high' : 'medium',
      message: `${where} allows ${rule}: every such call runs without asking`,
      fix: where.startsWith('config') ? 'Narrow it, e.g. shell(npm test *), in `openclaw config edit`.' : `openclaw approvals rm '${rule}'`,
    });
  }

  const host = config.gateway?.host;
  if (host && !/^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i.test(host)) {
    findings.push({
      id: 'gateway-exposed',
      severity: config.gateway?.allowRemote ? 'medium' : 'low',
      message: `the gateway is set to listen on ${host}, beyond this machine: the token is all that stands between the network and the agent`,
      fix: 'openclaw config unset gateway.host (loopback), or keep it behind a TLS reverse proxy and a firewall',
    });
  }
  if (config.gateway?.approval === 'full') {
    findings.push({
      id: 'gateway-full-approval',
      severity: 'high',
      message: 'gateway sessions run in full mode: anyone with the token, or a paired chat, can run any command',
      fix: 'openclaw config set gateway.approval auto-edit',
    });
  }
  if (config.sandbox === 'off') {
    findings.push({ id: 'sandbox-off', severity: 'medium', message: 'the shell sandbox is turned off', fix: 'openclaw config set sandbox auto' });
  } else if (!input.sandboxWorks) {
    findings.push({
      id: 'sandbox-unavailable',
      severity: 'low',
      message: 'bubblewrap is not usable here, so shell commands run unsandboxed',
      fix: 'Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap).',
    });
  }
  return findings;
}

/** The config file's text without the channel tokens' own keys (a value elsewhere stays, even the same one). */
function withoutChannelTokens(text: string): string {
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    return text; // a file that does not parse is looked at as it is
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return text;
  for (const key of Object.keys(SECRET_CONFIG_KEYS)) deletePath(stored as Record<string, unknown>, resolveKey(key));
  return JSON.stringify(stored);
}

/** The channel secrets held in the config file itself (`env`: the variable that could hold it instead, if any). */
function channelTokens(config: Config): Array<{ key: string; env: string; value: string }> {
  return Object.entries(SECRET_CONFIG_KEYS).flatMap(([key, env]) => {
    const value = getPath(config, resolveKey(key));
    return typeof value === 'string' ? [{ key, env, value }] : [];
  });
}

function isBroad(text: string): boolean {
  try {
    const rule = parseRule(text);
    return BROAD.has(rule.tool) && (rule.pattern === undefined || /^[*\s]*$/.test(rule.pattern));
  } catch {
    return false;
  }
}
