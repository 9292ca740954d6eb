import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ExitCode, OpenclawError } from '../errors.js';
import { stillRunning, thisProcess, type ProcessMark } from './owner.js';

/**
 * A cross-process critical section of milliseconds (index read-modify-write, taking a session).
 * Held for a write, never for a model turn. proper-lockfile is loaded on first use only.
 */
export async function withFileLock<T>(target: string, work: () => Promise<T> | T): Promise<T> {
  const { lock } = await import('proper-lockfile');
  let release: () => Promise<void>;
  try {
    release = await lock(target, {
      realpath: false,
      stale: 10_000,
      retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 100 },
    });
  } catch (error) {
    throw new OpenclawError('store_locked', `the store is busy: could not lock ${target}`, {
      hint: 'Another openclaw process is writing; try again. A crashed process releases its lock within 10 s.',
      cause: error,
    });
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}

interface Owner extends ProcessMark {
  host: string;
  since: string;
}

/** The session locks this process holds, by path: one writer per session inside a process too. */
const held = new Map<string, SessionWriterLock>();
let releaseOnExit = false;

/**
 * The single writer of a session. The owner's pid is in `<id>.lock`; a lock whose process is gone
 * (kill -9, power loss, a zombie, its pid reused: see owner.ts) is taken over at once, so a crash never leaves a session stuck.
 * Acquire inside `withFileLock` so two processes cannot both take over the same stale lock.
 */
export class SessionWriterLock {
  private released = false;

  private constructor(readonly path: string) {}

  static acquire(path: string, sessionId: string): SessionWriterLock {
    if (held.has(path)) {
      throw new OpenclawError('session_busy', `session ${sessionId} is already open for writing in this process`, {
        exitCode: ExitCode.runtime,
        hint: 'Close it before opening it again; a session has one writer at a time.',
      });
    }
    const owner = readOwner(path);
    if (owner && owner.pid !== process.pid && isAlive(owner)) {
      const elsewhere = owner.host !== hostname();
      throw new OpenclawError(
        'session_busy',
        `session ${sessionId} is in use by another openclaw process (pid ${owner.pid}${elsewhere ? ` on ${owner.host}` : ''}, since ${owner.since})`,
        {
          exitCode: ExitCode.runtime,
          hint: elsewhere
            ? `If no openclaw process runs on ${owner.host} any more, delete ${path}.`
            : 'Wait for it to finish, or start a new session (omit --resume/--continue), or fork it with `openclaw session fork`.',
        },
      );
    }
    const mine: Owner = { ...thisProcess(), host: hostname(), since: new Date().toISOString() };
    writeFileSync(path, JSON.stringify(mine), { mode: 0o600 });
    const lock = new SessionWriterLock(path);
    held.set(path, lock);
    if (!releaseOnExit) {
      releaseOnExit = true;
      process.once('exit', () => {
        for (const open of [...held.values()]) open.release();
      });
    }
    return lock;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.path);
    const owner = readOwner(this.path);
    if (owner?.pid === process.pid) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
  }
}

function readOwner(path: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Owner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(owner: Owner): boolean {
  // Another machine's process (a store on a shared disk) cannot be checked from here.
  return owner.host !== hostname() || stillRunning(owner);
}
