import { readFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExitCode, OpenclawError } from '../errors.js';
import { storeWorkspace } from '../policy/policy.js';
import { writeJsonFile } from '../store/atomic.js';
import { withFileLock } from '../store/lock.js';
import { stillRunning, thisProcess, type ProcessMark } from '../store/owner.js';
import { ensureDir, type StorePaths } from '../store/paths.js';

export const DEFAULT_PORT = 18789;

/** Where the gateway keeps its state in the store. */
export interface GatewayPaths {
  dir: string;
  token: string;
  pidFile: string;
  inbound: string;
  workspace: string;
  logFile: string;
}

export function gatewayPaths(paths: StorePaths): GatewayPaths {
  const dir = join(paths.home, 'gateway');
  return {
    dir,
    token: join(dir, 'token'),
    pidFile: join(dir, 'gateway.pid'),
    inbound: join(dir, 'inbound.jsonl'),
    workspace: storeWorkspace(paths.home),
    logFile: join(paths.logs, 'gateway.log'),
  };
}

/** The pid file's content: which process serves this store, and where. */
export interface GatewayRecord extends ProcessMark {
  started: string;
  version: string;
  /** Set once listening. */
  url?: string;
  host?: string;
  port?: number;
}

/** The pid files this process holds: a second gateway in one process is refused too. */
const held = new Set<string>();

/**
 * One gateway per store: the pid file names the process that serves it. A record whose process
 * is gone (kill -9, a reboot; see store/owner.ts) is taken over; a live one makes a second gateway refuse to start.
 */
export class GatewayPidFile {
  private released = false;

  private constructor(
    readonly path: string,
    private record: GatewayRecord,
  ) {}

  static async acquire(path: string, version: string): Promise<GatewayPidFile> {
    ensureDir(dirname(path));
    return withFileLock(dirname(path), () => {
      const running = readGatewayRecord(path);
      if (running && (running.pid !== process.pid || held.has(path))) {
        throw new OpenclawError('gateway_running', `a gateway is already running on this store (pid ${running.pid}${running.url ? `, ${running.url}` : ''})`, {
          exitCode: ExitCode.runtime,
          hint: 'Stop it with `openclaw serve stop`, or give this one its own store with OPENCLAW_HOME.',
        });
      }
      const file = new GatewayPidFile(path, { ...thisProcess(), started: new Date().toISOString(), version });
      file.write();
      held.add(path);
      return file;
    });
  }

  listening(address: { url: string; host: string; port: number }): void {
    this.record = { ...this.record, ...address };
    this.write();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.path);
    if (readGatewayRecord(this.path)?.pid !== process.pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }

  private write(): void {
    writeJsonFile(this.path, this.record);
  }
}

/** The record of the gateway serving this store, if its process is alive. */
export function readGatewayRecord(path: string): GatewayRecord | undefined {
  let record: GatewayRecord;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as GatewayRecord;
  } catch {
    return undefined;
  }
  if (typeof record?.pid !== 'number' || !stillRunning(record)) return undefined;
  return record;
}

/** The running gateway's `/status`, or why it could not be had (`serve status`, `channels status`). */
export async function fetchStatus(record: GatewayRecord, token: string | undefined): Promise<{ status?: any; error?: string }> {
  if (!record.url) return { error: 'still starting' };
  if (!token) return { error: 'no token to ask it with (set OPENCLAW_GATEWAY_TOKEN)' };
  try {
    const response = await fetch(`${record.url}/status`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(3_000) });
    if (!response.ok) return { error: `HTTP ${response.status}` };
    return { status: await response.json() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
