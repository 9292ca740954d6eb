import { accessSync, chmodSync, constants, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { configuredChannels } from '../../channels/registry.js';
import { errorMessage, OpenclawError } from '../../errors.js';
import { gatewayPaths, readGatewayRecord } from '../../gateway/pidfile.js';
import { describeServer, transportOf } from '../../mcp/settings.js';
import { modeProblems } from '../../policy/audit.js';
import { bubblewrapProblem } from '../../policy/sandbox.js';
import { resolveConnection, type ProviderConnection } from '../../providers/connection.js';
import { discoverSkills } from '../../skills/discovery.js';
import { loadConfig, type LoadedConfig } from '../../store/config.js';
import type { StorePaths } from '../../store/paths.js';
import { isIndex, SessionStore } from '../../store/sessions.js';
import { COMPLETION_FILES, isShell, readCompletionScript, type Shell } from '../completion-files.js';

/**
 * The checks of `openclaw doctor`. Each looks at one thing, says what it found, and how to fix
 * it; the few whose fix is safe to make unasked (file modes, the sessions index, an outdated
 * completion script openclaw installed) also carry a `repair` that `--fix` runs.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  status: CheckStatus;
  message: string;
  /** What to do about it, when there is something to do. */
  fix?: string;
  /** One line per item when there are several (unknown keys, skipped skills). */
  details?: string[];
  /** Changes `--fix` made. */
  fixed?: string[];
  /** Run by `--fix`: makes the change, returns what it did. */
  repair?: () => Promise<string[]>;
}

export interface DoctorContext {
  paths: StorePaths;
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
  /** Read once, shared by the checks that need it. */
  config: LoadedConfig;
}

export type Check = (context: DoctorContext) => Promise<CheckResult>;

export const REQUIRED_NODE_MAJOR = 22;
const PROVIDER_TIMEOUT_MS = 5_000;

export const CHECKS: Check[] = [nodeCheck, storeCheck, permissionsCheck, configCheck, providerCheck, sessionsCheck, skillsCheck, mcpCheck, gatewayCheck, channelsCheck, sandboxCheck, completionsCheck];

export function doctorContext(paths: StorePaths, env: NodeJS.ProcessEnv = process.env): DoctorContext {
  return { paths, cwd: process.cwd(), env, home: homedir(), config: loadConfig(paths) };
}

async function nodeCheck(): Promise<CheckResult> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= REQUIRED_NODE_MAJOR) return { id: 'node', status: 'ok', message: `Node ${process.versions.node}` };
  return { id: 'node', status: 'fail', message: `Node ${process.versions.node} is older than ${REQUIRED_NODE_MAJOR}`, fix: 'Install Node 22 or 24 (https://nodejs.org).' };
}

/** The store's shape: folders that are folders, files that are files. */
async function storeCheck({ paths }: DoctorContext): Promise<CheckResult> {
  if (!existsSync(paths.home)) return { id: 'store', status: 'ok', message: `${paths.home} does not exist yet; it is created on first use` };
  if (!statSync(paths.home).isDirectory()) {
    return { id: 'store', status: 'fail', message: `${paths.home} is not a directory`, fix: `Move it away, or point OPENCLAW_HOME at a directory.` };
  }
  const expected: Array<[string, 'dir' | 'file']> = [
    [paths.config, 'file'],
    [paths.sessions, 'dir'],
    [paths.memory, 'dir'],
    [paths.logs, 'dir'],
    [join(paths.home, 'skills'), 'dir'],
    [join(paths.home, 'gateway'), 'dir'],
    [join(paths.home, 'workspace'), 'dir'],
    [join(paths.home, 'approvals.json'), 'file'],
  ];
  const wrong = expected.filter(([path, kind]) => existsSync(path) && statSync(path).isDirectory() !== (kind === 'dir')).map(([path, kind]) => `${path} should be a ${kind === 'dir' ? 'directory' : 'file'}`);
  if (wrong.length > 0) return { id: 'store', status: 'fail', message: `the store at ${paths.home} has ${wrong.length} misplaced entr${wrong.length === 1 ? 'y' : 'ies'}`, details: wrong, fix: 'Move each away (openclaw recreates what it needs).' };
  return { id: 'store', status: 'ok', message: paths.home };
}

async function permissionsCheck({ paths }: DoctorContext): Promise<CheckResult> {
  const problems = modeProblems(paths);
  if (problems.length === 0) return { id: 'permissions', status: 'ok', message: existsSync(paths.home) ? 'the store is private to its owner' : 'nothing to check yet' };
  const octal = (mode: number) => mode.toString(8).padStart(4, '0');
  return {
    id: 'permissions',
    status: 'fail',
    message: `${problems.length} store file(s) can be read by others on this machine`,
    details: problems.map((problem) => `${problem.path} is ${octal(problem.mode)} (should be ${octal(problem.expected)})`),
    fix: 'openclaw doctor --fix (chmod each as listed)',
    repair: async () =>
      problems.map((problem) => {
        chmodSync(problem.path, problem.expected);
        return `chmod ${problem.expected.toString(8)} ${problem.path}`;
      }),
  };
}

async function configCheck({ paths, config }: DoctorContext): Promise<CheckResult> {
  if (!existsSync(paths.config)) return { id: 'config', status: 'ok', message: 'no config.json (defaults)' };
  const unreadable = config.warnings.find((warning) => warning.includes('is not valid JSON') || warning.startsWith('cannot read') || warning.includes('must hold a JSON object'));
  if (unreadable) return { id: 'config', status: 'fail', message: unreadable, fix: 'openclaw config edit' };
  if (config.warnings.length === 0) return { id: 'config', status: 'ok', message: `${paths.config} is valid` };
  const unknown = config.warnings
    .map((warning) => /unknown key "([^"]+)"/.exec(warning)?.[1])
    .filter((key): key is string => key !== undefined)
    .sort();
  return {
    id: 'config',
    status: 'warn',
    message: unknown.length > 0 ? `unknown key(s), ignored: ${unknown.join(', ')}` : `${config.warnings.length} invalid value(s), ignored`,
    details: config.warnings,
    fix: unknown.length > 0 ? unknown.map((key) => `openclaw config unset ${key}`).join('; ') : 'openclaw config edit',
  };
}

async function providerCheck({ config, env }: DoctorContext): Promise<CheckResult> {
  let connection: ProviderConnection;
  try {
    connection = resolveConnection(config.config, {}, env);
  } catch (error) {
    const hint = error instanceof OpenclawError && error.hint ? error.hint.split('\n')[0] : undefined;
    return { id: 'provider', status: 'fail', message: errorMessage(error), fix: hint?.startsWith('Set one of') || !hint ? 'openclaw init' : hint };
  }
  const where = `${connection.id} (${connection.type}${connection.baseUrl ? ` at ${connection.baseUrl}` : ''}), model ${connection.model}`;
  const probe = await probeProvider(connection, PROVIDER_TIMEOUT_MS);
  if (probe.ok) return { id: 'provider', status: 'ok', message: `${where}: reachable${probe.models !== undefined ? `, ${probe.models} model(s) listed` : ''}` };
  return { id: 'provider', status: probe.status === 404 ? 'warn' : 'fail', message: `${where}: ${probe.reason}`, fix: probe.fix };
}

export type ProviderProbe = { ok: true; models?: number } | { ok: false; status?: number; reason: string; fix: string };

/** A models call with a short timeout and no retries: reachable, and is the key accepted? */
export async function probeProvider(connection: ProviderConnection, timeoutMs: number): Promise<ProviderProbe> {
  try {
    let count = 0;
    if (connection.type === 'anthropic') {
      const { default: Anthropic } = await import('@anthropic-ai/sdk');
      const client = new Anthropic({ apiKey: connection.apiKey, baseURL: connection.baseUrl, maxRetries: 0, timeout: timeoutMs });
      count = (await client.models.list({ limit: 20 })).data.length;
    } else {
      const { default: OpenAI } = await import('openai');
      const client = new OpenAI({ apiKey: connection.apiKey, baseURL: connection.baseUrl, maxRetries: 0, timeout: timeoutMs });
      count = (await client.models.list()).data.length;
    }
    return { ok: true, models: count };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status === 401 || status === 403) {
      const variable = connection.settings.apiKeyEnv ?? (connection.type === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY');
      return { ok: false, status, reason: `the API key was rejected (HTTP ${status})`, fix: `Check ${variable}.` };
    }
    if (status === 404) return { ok: false, status, reason: 'reachable, but it has no models endpoint (HTTP 404); check the base URL', fix: 'A base URL usually ends in /v1, e.g. http://localhost:11434/v1.' };
    if (typeof status === 'number') return { ok: false, status, reason: `it answered HTTP ${status}: ${errorMessage(error).slice(0, 160)}`, fix: 'Try again later, or check the provider\'s status.' };
    const cause = errorCode(error);
    const timedOut = /timed? ?out/i.test(errorMessage(error));
    return {
      ok: false,
      reason: timedOut ? `no answer within ${timeoutMs / 1000} s` : `unreachable (${cause})`,
      fix: connection.baseUrl ? `Is the server at ${connection.baseUrl} running?` : 'Check your network connection.',
    };
  }
}

/** Why a connection failed, from the bottom of the error's chain of causes: ECONNREFUSED, ENOTFOUND... */
function errorCode(error: unknown): string {
  let reason = errorMessage(error);
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    if (current instanceof Error) reason = current.message;
  }
  return reason;
}

async function sessionsCheck({ paths }: DoctorContext): Promise<CheckResult> {
  if (!existsSync(paths.sessions)) return { id: 'sessions', status: 'ok', message: 'no sessions yet' };
  const transcripts = readdirSync(paths.sessions)
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => name.slice(0, -'.jsonl'.length));
  const rebuild = async () => [`rebuilt ${paths.sessionIndex} from ${await new SessionStore(paths).rebuildIndex()} transcript(s)`];
  if (!existsSync(paths.sessionIndex)) {
    if (transcripts.length === 0) return { id: 'sessions', status: 'ok', message: 'no sessions yet' };
    return { id: 'sessions', status: 'warn', message: `${paths.sessionIndex} is missing (${transcripts.length} transcript(s))`, fix: 'openclaw doctor --fix (rebuilds it from the transcripts)', repair: rebuild };
  }
  let index: unknown;
  try {
    index = JSON.parse(readFileSync(paths.sessionIndex, 'utf8'));
  } catch (error) {
    return { id: 'sessions', status: 'fail', message: `${paths.sessionIndex} is not valid JSON (${errorMessage(error)})`, fix: 'openclaw doctor --fix (rebuilds it from the transcripts)', repair: rebuild };
  }
  if (!isIndex(index)) {
    return { id: 'sessions', status: 'fail', message: `${paths.sessionIndex} is damaged`, fix: 'openclaw doctor --fix (rebuilds it from the transcripts)', repair: rebuild };
  }
  const indexed = Object.keys(index.sessions);
  const onDisk = new Set(transcripts);
  const missing = indexed.filter((id) => !onDisk.has(id));
  const unindexed = transcripts.filter((id) => !Object.hasOwn(index.sessions, id));
  if (missing.length === 0 && unindexed.length === 0) return { id: 'sessions', status: 'ok', message: `${indexed.length} session(s), index consistent with the transcripts` };
  return {
    id: 'sessions',
    status: 'warn',
    message: `the index does not match the transcripts: ${[missing.length ? `${missing.length} indexed without a transcript` : '', unindexed.length ? `${unindexed.length} transcript(s) not indexed` : ''].filter(Boolean).join(', ')}`,
    details: [...missing.map((id) => `${id}: in the index, no transcript`), ...unindexed.map((id) => `${id}: transcript not in the index`)],
    fix: 'openclaw doctor --fix (rebuilds it from the transcripts)',
    repair: rebuild,
  };
}

async function skillsCheck({ paths, cwd }: DoctorContext): Promise<CheckResult> {
  const catalog = discoverSkills({ cwd, home: paths.home });
  const problems = catalog.problems.map((problem) => `${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`);
  const warnings = catalog.skills.flatMap((skill) => skill.warnings.map((warning) => `${skill.file}: ${warning}`));
  const available = catalog.skills.filter((skill) => skill.availability.available).length;
  const summary = `${catalog.skills.length} skill(s), ${available} available here`;
  if (problems.length > 0) return { id: 'skills', status: 'warn', message: `${problems.length} SKILL.md file(s) skipped; ${summary}`, details: [...problems, ...warnings], fix: 'Fix the frontmatter of each (see `openclaw skill check`).' };
  if (warnings.length > 0) return { id: 'skills', status: 'ok', message: `${summary}; ${warnings.length} note(s)`, details: warnings };
  return { id: 'skills', status: 'ok', message: summary };
}

async function mcpCheck({ config, env }: DoctorContext): Promise<CheckResult> {
  const servers = Object.entries(config.config.mcp?.servers ?? {});
  if (servers.length === 0) return { id: 'mcp', status: 'skip', message: 'no MCP servers configured' };
  const problems: string[] = [];
  for (const [name, settings] of servers) {
    const transport = transportOf(settings);
    if (!transport) problems.push(`${name}: neither a command nor a url`);
    else if (transport === 'stdio' && !findExecutable(settings.command!, env)) problems.push(`${name}: ${settings.command} is not found on PATH (${describeServer(settings)})`);
  }
  if (problems.length > 0) return { id: 'mcp', status: 'warn', message: `${problems.length} of ${servers.length} MCP server(s) cannot start`, details: problems, fix: 'Install the command, or re-add the server with `openclaw mcp add <name> --force -- <command>`.' };
  return { id: 'mcp', status: 'ok', message: `${servers.length} server(s): ${servers.map(([name]) => name).join(', ')}` };
}

function findExecutable(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

async function gatewayCheck({ paths }: DoctorContext): Promise<CheckResult> {
  const { pidFile } = gatewayPaths(paths);
  const record = readGatewayRecord(pidFile);
  if (!record) return { id: 'gateway', status: 'ok', message: existsSync(pidFile) ? 'not running (a stale pid file is taken over at the next start)' : 'not running' };
  const where = `pid ${record.pid}${record.url ? `, ${record.url}` : ''}`;
  if (!record.url) return { id: 'gateway', status: 'ok', message: `starting (${where})` };
  try {
    const response = await fetch(new URL('/healthz', record.url), { signal: AbortSignal.timeout(2_000) });
    if (response.ok) return { id: 'gateway', status: 'ok', message: `running (${where})` };
    return { id: 'gateway', status: 'warn', message: `running (${where}) but /healthz answered HTTP ${response.status}`, fix: 'openclaw serve logs' };
  } catch (error) {
    return { id: 'gateway', status: 'warn', message: `running (${where}) but not answering: ${errorMessage(error)}`, fix: 'openclaw serve stop && openclaw serve start' };
  }
}

async function channelsCheck({ config, env }: DoctorContext): Promise<CheckResult> {
  const channels = configuredChannels(config.config, env).filter((channel) => channel.configured);
  if (channels.length === 0) return { id: 'channels', status: 'skip', message: 'no chat channel configured' };
  const problems = channels.filter((channel) => channel.problem).map((channel) => `${channel.id}: ${channel.problem}`);
  const summary = channels.map((channel) => `${channel.id} ${channel.enabled ? 'enabled' : 'disabled'}`).join(', ');
  const inConfig = channels.flatMap((channel) => channel.credentials.filter((credential) => credential.source === 'config').map((credential) => `${credential.key} is kept in config.json (mode 0600); ${credential.env} keeps it out of the file`));
  if (problems.length > 0) return { id: 'channels', status: 'warn', message: `${summary}; ${problems.join('; ')}`, details: inConfig, fix: 'Set the missing token(s), e.g. openclaw config set channels.telegram.token <token>, then restart the gateway.' };
  return { id: 'channels', status: 'ok', message: `${summary}; see \`openclaw channels status\` for their health`, ...(inConfig.length > 0 ? { details: inConfig } : {}) };
}

async function sandboxCheck({ config }: DoctorContext): Promise<CheckResult> {
  if (config.config.sandbox === 'off') return { id: 'sandbox', status: 'warn', message: 'the shell sandbox is turned off in the config', fix: 'openclaw config set sandbox auto' };
  const problem = await bubblewrapProblem();
  if (!problem) return { id: 'sandbox', status: 'ok', message: 'bubblewrap works: shell commands run sandboxed' };
  return { id: 'sandbox', status: 'warn', message: `bubblewrap is not usable (${problem}): shell commands run unsandboxed`, fix: 'Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap).' };
}

/** Where each shell's completion script may be installed (the user's places first), and its rc file. */
function completionPlaces(shell: Shell, home: string, env: NodeJS.ProcessEnv): { files: string[]; rc: string[] } {
  const data = env.XDG_DATA_HOME || join(home, '.local', 'share');
  const configDir = env.XDG_CONFIG_HOME || join(home, '.config');
  if (shell === 'bash') {
    return {
      files: [join(data, 'bash-completion', 'completions', 'openclaw'), '/usr/local/share/bash-completion/completions/openclaw', '/usr/share/bash-completion/completions/openclaw', '/etc/bash_completion.d/openclaw'],
      rc: [join(home, '.bashrc'), join(home, '.bash_profile')],
    };
  }
  if (shell === 'zsh') {
    const dirs = [join(home, '.zfunc'), join(home, '.zsh', 'completions'), join(home, '.oh-my-zsh', 'completions'), '/usr/local/share/zsh/site-functions', '/usr/share/zsh/site-functions', '/usr/share/zsh/vendor-completions'];
    return { files: dirs.map((dir) => join(dir, '_openclaw')), rc: [join(env.ZDOTDIR || home, '.zshrc')] };
  }
  return {
    files: [join(configDir, 'fish', 'completions', 'openclaw.fish'), '/usr/local/share/fish/vendor_completions.d/openclaw.fish', '/usr/share/fish/vendor_completions.d/openclaw.fish'],
    rc: [join(configDir, 'fish', 'config.fish')],
  };
}

export const INSTALL_COMMANDS: Record<Shell, string> = {
  bash: 'mkdir -p ~/.local/share/bash-completion/completions && openclaw completion bash > ~/.local/share/bash-completion/completions/openclaw',
  zsh: 'mkdir -p ~/.zfunc && openclaw completion zsh > ~/.zfunc/_openclaw, and in ~/.zshrc before compinit: fpath=(~/.zfunc $fpath)',
  fish: 'openclaw completion fish > ~/.config/fish/completions/openclaw.fish',
};

async function completionsCheck({ env, home }: DoctorContext): Promise<CheckResult> {
  const shell = basename(env.SHELL ?? '');
  if (!isShell(shell)) return { id: 'completions', status: 'skip', message: env.SHELL ? `no completion script for ${shell}` : 'no $SHELL to check completions for' };
  const { files, rc } = completionPlaces(shell, home, env);
  const script = readCompletionScript(shell);
  const sourced = rc.find((file) => existsSync(file) && readFileSync(file, 'utf8').includes(`openclaw completion ${shell}`));
  if (sourced) return { id: 'completions', status: 'ok', message: `${shell}: loaded by ${sourced}` };
  const installed = files.find((file) => existsSync(file));
  if (!installed) return { id: 'completions', status: 'warn', message: `${shell} completions are not installed`, fix: INSTALL_COMMANDS[shell] };
  if (script === undefined || readFileSync(installed, 'utf8') === script) return { id: 'completions', status: 'ok', message: `${shell}: ${installed}` };
  const own = installed.startsWith(home + '/');
  return {
    id: 'completions',
    status: 'warn',
    message: `${installed} is from another version of openclaw`,
    fix: own ? 'openclaw doctor --fix (rewrites it)' : `openclaw completion ${shell} > ${installed}`,
    ...(own
      ? {
          repair: async () => {
            writeFileSync(installed, script);
            return [`rewrote ${installed} (${COMPLETION_FILES[shell].split('/').pop()} of this version)`];
          },
        }
      : {}),
  };
}
