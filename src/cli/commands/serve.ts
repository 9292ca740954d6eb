import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { ExitCode, OpenclawError, usageError } from '../../errors.js';
import { readToken } from '../../gateway/auth.js';
import { DEFAULT_PORT, fetchStatus, gatewayPaths, readGatewayRecord } from '../../gateway/pidfile.js';
import { stillRunning } from '../../store/owner.js';
import { loadConfig } from '../../store/config.js';
import type { Config } from '../../store/config-schema.js';
import { ensureDir, storePaths, type StorePaths } from '../../store/paths.js';
import { paint, printJson, warn } from '../output.js';
import { version } from '../version.js';

export interface ServeOptions {
  host?: string;
  port?: string;
  allowRemote?: boolean;
}

const BIN = fileURLToPath(new URL('../../../bin/openclaw', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 15_000;
/** The log file is rotated (one old copy kept) when a daemon starts and finds it this big. */
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/** `openclaw serve`: the gateway in the foreground, until SIGTERM or Ctrl-C (which drain it). */
export default async function serve(options: ServeOptions): Promise<void> {
  // Under load V8's allocation-site pretenuring learns that a run's objects survive a scavenge
  // (200 runs are in flight) and then allocates them straight into the old generation, where
  // they die: long scavenges and frequent full collections. Without it, bench/gateway.ts measured
  // 15-25% more messages per second and an event-loop delay p99 about a third lower (three
  // interleaved runs each way). Set before the gateway allocates anything.
  setFlagsFromString('--no-allocation-site-pretenuring');
  const paths = storePaths();
  const config = readConfig(paths);
  const { host, port } = address(options, config);
  const [{ Gateway, isLoopback }, { jsonLogger }] = await Promise.all([import('../../gateway/gateway.js'), import('../../gateway/logger.js')]);
  if (!isLoopback(host)) {
    if (!options.allowRemote && !config.gateway?.allowRemote) {
      throw usageError(`binding to ${host} would expose the gateway beyond this machine`, 'Pass --allow-remote to do it anyway (token auth stays on), or bind 127.0.0.1.');
    }
    warn(`the gateway listens on ${host}: anyone who can reach it and has the token can run the agent. Put TLS in front of it (a reverse proxy) on untrusted networks.`);
  }
  const logger = await jsonLogger();
  process.on('unhandledRejection', (reason) => logger.error({ err: String(reason) }, 'unhandled rejection'));
  const gateway = await Gateway.start({ paths, config, host, port, version: version(), logger });
  const { token } = gatewayPaths(paths);
  process.stderr.write(
    `openclaw gateway listening on ${gateway.url} (pid ${process.pid})\n` +
      `token: ${gateway.tokenSource === 'env' ? 'OPENCLAW_GATEWAY_TOKEN' : token}\n`,
  );

  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) process.exit(ExitCode.interrupted);
      logger.info({ signal }, 'shutting down');
      gateway.stop().then(resolve, (error: unknown) => {
        logger.error({ err: String(error) }, 'shutdown failed');
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  process.exit(ExitCode.ok);
}

/** `serve start`: a detached gateway, logging to `$OPENCLAW_HOME/logs/gateway.log`. */
export async function start(options: ServeOptions): Promise<void> {
  const paths = storePaths();
  const files = gatewayPaths(paths);
  const running = readGatewayRecord(files.pidFile);
  if (running) {
    throw new OpenclawError('gateway_running', `a gateway is already running on this store (pid ${running.pid}${running.url ? `, ${running.url}` : ''})`, {
      hint: 'Stop it with `openclaw serve stop`; `openclaw serve status` shows it.',
    });
  }
  const config = readConfig(paths);
  address(options, config);
  ensureDir(paths.logs);
  rotate(files.logFile);
  const log = openSync(files.logFile, 'a', 0o600);
  const args = [BIN, 'serve', ...(options.host ? ['--host', options.host] : []), ...(options.port ? ['--port', options.port] : []), ...(options.allowRemote ? ['--allow-remote'] : [])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: process.env });
  closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();

  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const record = readGatewayRecord(files.pidFile);
    if (record && record.pid === child.pid && record.url) {
      process.stdout.write(`gateway started: pid ${record.pid}, ${record.url}\nlogs: ${files.logFile}\ntoken: ${files.token}\n`);
      return;
    }
    if (exited !== undefined) break;
    await sleep(100);
  }
  if (exited === undefined && child.pid) process.kill(child.pid, 'SIGTERM');
  throw new OpenclawError('gateway_start_failed', `the gateway did not start${exited !== undefined ? ` (it exited with status ${exited})` : ` within ${START_TIMEOUT_MS / 1000} s`}`, {
    hint: `Its log ends with:\n${tail(files.logFile, 8) || '(empty)'}`,
  });
}

/** `serve stop`: SIGTERM (the gateway drains within 10 s), SIGKILL if it does not end. */
export async function stop(): Promise<void> {
  const files = gatewayPaths(storePaths());
  const record = readGatewayRecord(files.pidFile);
  if (!record) {
    process.stdout.write('no gateway is running\n');
    return;
  }
  process.kill(record.pid, 'SIGTERM');
  const deadline = performance.now() + STOP_TIMEOUT_MS;
  while (stillRunning(record) && performance.now() < deadline) await sleep(100);
  if (stillRunning(record)) {
    process.kill(record.pid, 'SIGKILL');
    warn(`the gateway (pid ${record.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s and was killed; unfinished messages resume on the next start`);
  }
  process.stdout.write(`gateway stopped (pid ${record.pid})\n`);
}

/** `serve status`: exit 0 when a gateway serves this store, 1 when none does. */
export async function status(options: { json?: boolean }): Promise<void> {
  const paths = storePaths();
  const files = gatewayPaths(paths);
  const record = readGatewayRecord(files.pidFile);
  if (!record) {
    if (options.json) printJson({ running: false });
    else process.stdout.write('no gateway is running\n');
    process.exitCode = 1;
    return;
  }
  const live = await fetchStatus(record, readToken(files.token));
  if (options.json) {
    printJson({ running: true, ...record, ...(live.status ?? {}), ...(live.error ? { error: live.error } : {}) });
    return;
  }
  const out = process.stdout;
  const lines = [`gateway: ${paint(out, 'green', 'running')} (pid ${record.pid}, version ${record.version})`, `address: ${record.url ?? 'starting'}`];
  if (live.status) {
    const s = live.status;
    lines.push(
      `uptime: ${duration(s.uptimeSeconds)}`,
      `sessions: ${s.sessions.open} open, ${s.sessions.active} active`,
      `queue: ${s.queue.running} running, ${s.queue.waiting} waiting (at most ${s.queue.maxConcurrent} at once); ${s.queue.unfinished} unfinished in the inbound log`,
      `clients: ${s.clients} WebSocket connection(s)`,
      `channels: ${Object.entries(s.channels as Record<string, { ok: boolean; detail: string }>)
        .map(([id, health]) => `${id} ${health.ok ? 'ok' : paint(out, 'red', 'failing')} (${health.detail})`)
        .join(', ')}`,
    );
  } else {
    lines.push(`${paint(out, 'yellow', 'not answering')}: ${live.error}`);
  }
  out.write(`${lines.join('\n')}\n`);
}

/** `serve logs`: the gateway's JSON log, readable; `-f` follows it. */
export async function logs(options: { follow?: boolean; lines?: string; json?: boolean }): Promise<void> {
  const { logFile } = gatewayPaths(storePaths());
  const count = Number(options.lines ?? 50);
  if (!Number.isInteger(count) || count < 0) throw usageError(`--lines must be a whole number, not "${options.lines}"`);
  if (!existsSync(logFile)) {
    if (!options.follow) {
      process.stdout.write(`no gateway log yet (${logFile})\n`);
      return;
    }
  }
  const show = (line: string) => process.stdout.write(`${options.json ? line : readable(line)}\n`);
  const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  const all = text.split('\n').filter((line) => line !== '');
  for (const line of count === 0 ? [] : all.slice(-count)) show(line);
  if (!options.follow) return;

  let offset = Buffer.byteLength(text);
  let partial = '';
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      let size = 0;
      try {
        size = statSync(logFile).size;
      } catch {
        return;
      }
      if (size < offset) offset = 0; // rotated
      if (size === offset) return;
      const fd = openSync(logFile, 'r');
      try {
        const buffer = Buffer.alloc(size - offset);
        const read = readSyncFully(fd, buffer, offset);
        offset += read;
        const lines = (partial + buffer.subarray(0, read).toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line !== '') show(line);
      } finally {
        closeSync(fd);
      }
    }, 250);
    process.once('SIGINT', () => {
      clearInterval(timer);
      resolve();
    });
  });
}

/** `serve install`: a systemd user unit that runs `openclaw serve`, enabled and started. */
export async function install(options: ServeOptions & { dryRun?: boolean }): Promise<void> {
  const paths = storePaths();
  const config = readConfig(paths);
  address(options, config);
  const { systemdUnit, unitPath, UNIT_NAME } = await import('../../gateway/systemd.js');
  const unit = systemdUnit({ node: process.execPath, bin: BIN, home: paths.home, host: options.host, port: options.port, allowRemote: options.allowRemote });
  const path = unitPath();
  const commands = [['systemctl', '--user', 'daemon-reload'], ['systemctl', '--user', 'enable', '--now', UNIT_NAME]];
  if (options.dryRun) {
    process.stdout.write(`# ${path}\n${unit}\n# then: ${commands.map((command) => command.join(' ')).join(' && ')}\n`);
    return;
  }
  const { writeUnit } = await import('../../gateway/systemd.js');
  writeUnit(path, unit);
  process.stdout.write(`wrote ${path}\n`);
  const { execa } = await import('execa');
  for (const command of commands) {
    const result = await execa(command[0], command.slice(1), { reject: false });
    if (result.failed) {
      const why = result.code === 'ENOENT' ? 'systemctl is not available here' : String(result.stderr || result.message).trim().split('\n')[0];
      throw new OpenclawError('systemd_failed', `\`${command.join(' ')}\` failed: ${why}`, {
        hint: `The unit is written. Enable it yourself with: ${commands.map((c) => c.join(' ')).join(' && ')}\nFor it to run while you are logged out: loginctl enable-linger $USER`,
      });
    }
    process.stdout.write(`ran ${command.join(' ')}\n`);
  }
  process.stdout.write(
    `the gateway runs as the systemd user service ${UNIT_NAME}: \`systemctl --user status ${UNIT_NAME}\`\n` +
      `provider keys go in ${gatewayPaths(paths).dir}/env (KEY=value lines, mode 0600); to keep it running while logged out: loginctl enable-linger $USER\n`,
  );
}

function readConfig(paths: StorePaths): Config {
  const { config, warnings } = loadConfig(paths);
  for (const warning of warnings) warn(warning);
  return config;
}

function address(options: ServeOptions, config: Config): { host: string; port: number } {
  const host = options.host ?? config.gateway?.host ?? '127.0.0.1';
  const raw = options.port ?? String(config.gateway?.port ?? DEFAULT_PORT);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw usageError(`--port must be a port number (0-65535), not "${raw}"`);
  return { host, port };
}

/** One JSON log line as `time level message key=value ...`. */
function readable(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, pid: _pid, hostname: _host, ...fields } = entry;
  const levels: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  const name = levels[level as number] ?? String(level);
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const out = process.stdout;
  const styled = name === 'error' || name === 'fatal' ? paint(out, 'red', name) : name === 'warn' ? paint(out, 'yellow', name) : paint(out, 'dim', name);
  return `${paint(out, 'dim', String(time ?? ''))} ${styled} ${msg ?? ''}${rest ? ` ${paint(out, 'dim', rest)}` : ''}`;
}

function rotate(logFile: string): void {
  try {
    if (statSync(logFile).size > LOG_ROTATE_BYTES) renameSync(logFile, `${logFile}.1`);
  } catch {
    // no log yet
  }
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function readSyncFully(fd: number, buffer: Buffer, position: number): number {
  let read = 0;
  while (read < buffer.length) {
    const count = readSync(fd, buffer, read, buffer.length - read, position + read);
    if (count === 0) break;
    read += count;
  }
  return read;
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
