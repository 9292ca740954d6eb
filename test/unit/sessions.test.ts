import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenclawError } from '../../src/errors.js';
import { storePaths, type StorePaths } from '../../src/store/paths.js';
import { SessionStore, type OpenSession } from '../../src/store/sessions.js';
import { readTranscript, type TranscriptHeader } from '../../src/store/transcript.js';
import { thisProcess } from '../../src/store/owner.js';
import { tempDir } from '../helpers/cli.js';

const DIST_STORE = resolve(import.meta.dirname, '../../dist/store');
/** Larger than any pid Linux hands out (pid_max is at most 2^22), so never a live process. */
const DEAD_PID = 2 ** 30;

let home: { path: string; cleanup: () => void };
let paths: StorePaths;
let store: SessionStore;
const opened: OpenSession[] = [];
const children: ChildProcess[] = [];

beforeEach(() => {
  home = tempDir('openclaw-sessions-');
  paths = storePaths(home.path);
  store = new SessionStore(paths);
});

afterEach(() => {
  for (const session of opened.splice(0)) session.close();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  home.cleanup();
});

async function create(options: { id?: string; key?: string; title?: string } = {}): Promise<OpenSession> {
  const session = await store.create({ cwd: '/work/project', provider: 'openai', model: 'gpt-5.4-mini', ...options });
  opened.push(session);
  return session;
}

async function createClosed(options: { id?: string; key?: string; title?: string } = {}): Promise<string> {
  const session = await create(options);
  session.append({ type: 'message', message: { role: 'user', text: `hello from ${options.id ?? 'a session'}` } });
  // As a run does at the end of its turn: this is when the index learns of the session.
  await session.recordTurn({ messages: 1, usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, cost: 0, provider: 'openai', model: 'gpt-5.4-mini' });
  session.close();
  return session.id;
}

async function open(id: string): Promise<OpenSession> {
  const session = await store.open(id);
  opened.push(session);
  return session;
}

/** Awaits a promise that must reject with an OpenclawError, and returns that error. */
/** A process that has exited but is never reaped: its parent (a shell that exec'ed sleep) never waits. */
async function unreapedChild(): Promise<{ pid: number; parent: ChildProcess }> {
  const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolvePid) => parent.stdout!.once('data', (chunk) => resolvePid(Number(String(chunk).trim()))));
  for (let tries = 0; tries < 200 && procState(pid) !== 'Z'; tries++) await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  expect(procState(pid)).toBe('Z');
  return { pid, parent };
}

function procState(pid: number): string | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

function readParentStart(): number | undefined {
  const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

async function rejection(promise: Promise<unknown>): Promise<OpenclawError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(OpenclawError);
  return error as OpenclawError;
}

function lockFile(id: string): string {
  return join(paths.sessions, `${id}.lock`);
}

function writeTranscriptFile(name: string, header: TranscriptHeader, text = 'hi'): void {
  const entry = { id: 'e1', parentId: null, ts: '2026-02-01T00:00:00.000Z', type: 'message', message: { role: 'user', text } };
  writeFileSync(join(paths.sessions, name), `${JSON.stringify(header)}\n${JSON.stringify(entry)}\n`);
}

/** Starts a separate node process that opens the session for writing and holds it until its stdin ends. */
async function holdInAnotherProcess(id: string): Promise<ChildProcess> {
  const script = `
    const { SessionStore } = await import(${JSON.stringify(`${DIST_STORE}/sessions.js`)});
    const { storePaths } = await import(${JSON.stringify(`${DIST_STORE}/paths.js`)});
    const session = await new SessionStore(storePaths(process.env.TEST_HOME)).open(process.env.TEST_SESSION);
    process.stdout.write('ready\\n');
    process.stdin.resume();
    process.stdin.on('end', () => { session.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, TEST_HOME: home.path, TEST_SESSION: id },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await new Promise<void>((resolvePromise, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('ready')) resolvePromise();
    });
    child.on('exit', (code) => reject(new Error(`the lock holder exited with ${code} before it was ready: ${stderr}`)));
  });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) resolvePromise();
    else child.once('exit', () => resolvePromise());
  });
}

describe('SessionStore: create and list', () => {
  it('writes a transcript starting with a session header', async () => {
    const session = await create();
    const loaded = readTranscript(store.transcriptPath(session.id));
    expect(loaded.header).toMatchObject({ type: 'session', version: 1, id: session.id, cwd: '/work/project' });
    expect(loaded.entries).toEqual([]);
  });

  it('lists a created session with its metadata', async () => {
    const session = await create({ title: 'fix the build' });
    expect(await store.list()).toEqual([
      expect.objectContaining({ id: session.id, title: 'fix the build', cwd: '/work/project', provider: 'openai', model: 'gpt-5.4-mini', messages: 0 }),
    ]);
  });

  it('lists the most recently updated session first', async () => {
    const older = await createClosed({ id: 'older' });
    const newer = await createClosed({ id: 'newer' });
    await store.update(older, (meta) => {
      meta.updated = '2099-01-01T00:00:00.000Z';
    });
    expect((await store.list()).map((meta) => meta.id)).toEqual([older, newer]);
  });

  it('refuses to create a session whose id is taken, leaving no lock behind', async () => {
    const id = await createClosed({ id: 'taken' });
    const error = await rejection(store.create({ id, cwd: '/x', provider: 'openai', model: 'm' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('already exists');
    expect(existsSync(lockFile(id))).toBe(false);
    expect(readTranscript(store.transcriptPath(id)).entries).toHaveLength(1);
  });
});

describe('SessionStore: find', () => {
  it('finds a session by its full id', async () => {
    const id = await createClosed({ id: 'abc-1' });
    await createClosed({ id: 'abc-12' });
    expect((await store.find(id)).id).toBe('abc-1');
  });

  it('finds a session by a unique prefix of its id', async () => {
    await createClosed({ id: 'alpha-1' });
    await createClosed({ id: 'beta-1' });
    expect((await store.find('be')).id).toBe('beta-1');
  });

  it('refuses an ambiguous prefix with exit 2, naming the candidates', async () => {
    await createClosed({ id: 'same-1' });
    await createClosed({ id: 'same-2' });
    const error = await rejection(store.find('same'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('ambiguous');
    expect(error.message).toContain('same-1');
    expect(error.message).toContain('same-2');
  });

  it('refuses an unknown id with exit 2 and a hint', async () => {
    await createClosed({ id: 'known' });
    const error = await rejection(store.find('unknown'));
    expect(error.exitCode).toBe(2);
    expect(error.hint).toContain('openclaw session list');
  });

  it('refuses an empty id instead of matching every session', async () => {
    await createClosed({ id: 'only' });
    expect((await rejection(store.find(''))).exitCode).toBe(2);
  });
});

describe('SessionStore: open', () => {
  it('loads the entries and continues the transcript after them', async () => {
    const id = await createClosed();
    const session = await open(id);
    expect(session.entries).toHaveLength(1);
    const added = session.append({ type: 'message', message: { role: 'user', text: 'again' } });
    session.close();
    expect(added.parentId).toBe(session.entries[0].id);
    expect(readTranscript(store.transcriptPath(id)).entries.map((entry) => entry.id)).toEqual([session.entries[0].id, added.id]);
  });

  it('reports the repairs it made while loading', async () => {
    const id = await createClosed();
    writeFileSync(store.transcriptPath(id), `${readFileSync(store.transcriptPath(id), 'utf8')}{"torn`);
    const session = await open(id);
    expect(session.repairs).toEqual([expect.stringContaining('torn last line')]);
  });

  it('refuses a session whose transcript is missing, with a hint that works', async () => {
    const id = await createClosed();
    rmSync(store.transcriptPath(id));
    const error = await rejection(store.open(id));
    expect(error.message).toContain('missing');
    expect(error.hint).toContain(`openclaw session rm ${id}`);
    expect(existsSync(lockFile(id))).toBe(false);
    await store.remove(id);
    expect(await store.list()).toEqual([]);
  });
});

describe('SessionWriterLock', () => {
  it('refuses a session that another process holds open, saying it is in use', async () => {
    const id = await createClosed();
    const child = await holdInAnotherProcess(id);
    const error = await rejection(store.open(id));
    expect(error.message).toContain('in use');
    expect(error.message).toContain(`pid ${child.pid}`);
  });

  it('refuses to remove a session that another process holds open', async () => {
    const id = await createClosed();
    await holdInAnotherProcess(id);
    expect((await rejection(store.remove(id))).message).toContain('in use');
    expect(existsSync(store.transcriptPath(id))).toBe(true);
  });

  it('lets the session be opened once the other process has closed it', async () => {
    const id = await createClosed();
    const child = await holdInAnotherProcess(id);
    child.stdin?.end();
    await exited(child);
    expect(existsSync(lockFile(id))).toBe(false);
    expect((await open(id)).id).toBe(id);
  });

  it('takes over the lock of a process that was killed', async () => {
    const id = await createClosed();
    const child = await holdInAnotherProcess(id);
    child.kill('SIGKILL');
    await exited(child);
    expect(existsSync(lockFile(id))).toBe(true);
    const session = await open(id);
    expect(JSON.parse(readFileSync(lockFile(id), 'utf8')).pid).toBe(process.pid);
    session.close();
  });

  it('takes over a lock left by a pid that does not exist', async () => {
    const id = await createClosed();
    writeFileSync(lockFile(id), JSON.stringify({ pid: DEAD_PID, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const session = await open(id);
    expect(JSON.parse(readFileSync(lockFile(id), 'utf8')).pid).toBe(process.pid);
    session.close();
    expect(existsSync(lockFile(id))).toBe(false);
  });

  it('takes over a lock whose holder is a zombie (killed, never reaped by the container\'s init)', async () => {
    const id = await createClosed();
    const zombie = await unreapedChild();
    try {
      writeFileSync(lockFile(id), JSON.stringify({ pid: zombie.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
      const session = await open(id);
      expect(JSON.parse(readFileSync(lockFile(id), 'utf8')).pid).toBe(process.pid);
      session.close();
    } finally {
      zombie.parent.kill('SIGKILL');
    }
  });

  it('takes over a lock whose pid now belongs to another process, or that an earlier boot left', async () => {
    const mine = thisProcess();
    for (const stale of [
      { ...mine, pid: process.ppid, start: 1 }, // a live pid, but a process started at another time
      { ...mine, pid: process.ppid, boot: 'an-earlier-boot' },
    ]) {
      const id = await createClosed();
      writeFileSync(lockFile(id), JSON.stringify({ ...stale, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
      const session = await open(id);
      expect(JSON.parse(readFileSync(lockFile(id), 'utf8'))).toMatchObject({ pid: process.pid, start: mine.start, boot: mine.boot });
      session.close();
    }
    // Its own mark, from a live process, still holds.
    const id = await createClosed();
    const parent = { pid: process.ppid, ...(readParentStart() ? { start: readParentStart() } : {}), boot: mine.boot };
    writeFileSync(lockFile(id), JSON.stringify({ ...parent, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    expect((await rejection(store.open(id))).message).toContain(`in use by another openclaw process (pid ${process.ppid}`);
  });

  it('takes over a lock file that does not parse', async () => {
    const id = await createClosed();
    writeFileSync(lockFile(id), '{"pid": 12');
    expect((await open(id)).id).toBe(id);
  });

  it('does not take over a lock held on another host, and says which file to delete', async () => {
    const id = await createClosed();
    writeFileSync(lockFile(id), JSON.stringify({ pid: DEAD_PID, host: `not-${hostname()}`, since: '2026-01-01T00:00:00.000Z' }));
    const error = await rejection(store.open(id));
    expect(error.message).toContain('in use');
    expect(error.hint).toContain(lockFile(id));
  });

  it('refuses a second writer in the same process', async () => {
    const id = await createClosed();
    const first = await open(id);
    expect((await rejection(store.open(id))).message).toContain('already open');
    first.close();
    expect((await open(id)).id).toBe(id);
  });

  it('removes the lock file when the session is closed', async () => {
    const session = await create();
    expect(existsSync(lockFile(session.id))).toBe(true);
    session.close();
    expect(existsSync(lockFile(session.id))).toBe(false);
  });
});

describe('SessionStore: fork', () => {
  it('copies the entries under a new id that records its parent', async () => {
    const id = await createClosed({ title: 'original' });
    const fork = await store.fork(id);
    expect(fork.id).not.toBe(id);
    const original = readTranscript(store.transcriptPath(id));
    const copy = readTranscript(store.transcriptPath(fork.id));
    expect(copy.header).toMatchObject({ id: fork.id, parentSession: id, cwd: original.header.cwd });
    expect(copy.entries).toEqual(original.entries);
    expect(fork.title).toBe('original');
  });

  it('leaves the original transcript untouched', async () => {
    const id = await createClosed();
    const before = readFileSync(store.transcriptPath(id), 'utf8');
    await store.fork(id);
    expect(readFileSync(store.transcriptPath(id), 'utf8')).toBe(before);
  });

  it('lists the fork next to the original', async () => {
    const id = await createClosed();
    const fork = await store.fork(id);
    expect((await store.list()).map((meta) => meta.id).sort()).toEqual([id, fork.id].sort());
  });

  it('does not copy the routing key of a gateway session', async () => {
    const id = await createClosed({ key: 'telegram:dm:42' });
    const fork = await store.fork(id);
    expect(fork.key).toBeUndefined();
    expect((await store.find(id)).key).toBe('telegram:dm:42');
  });

  it('writes synthetic results only in memory, not into the fork', async () => {
    const session = await create();
    session.append({
      type: 'message',
      message: { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'read', argsText: '{}' }], stopReason: 'tool_use', provider: 'openai', model: 'm', usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } },
    });
    session.close();
    const fork = await store.fork(session.id);
    expect(readFileSync(store.transcriptPath(fork.id), 'utf8')).not.toContain('repair-');
    expect(readTranscript(store.transcriptPath(fork.id)).orphanedCalls).toEqual([{ id: 'c1', name: 'read' }]);
  });
});

describe('SessionStore: import', () => {
  it('imports an exported transcript byte for byte, keeping its id', async () => {
    const id = await createClosed();
    const exported = join(home.path, 'export.jsonl');
    writeFileSync(exported, readFileSync(store.transcriptPath(id)));
    await store.remove(id);
    const meta = await store.importTranscript(exported);
    expect(meta.id).toBe(id);
    expect(meta.messages).toBe(1);
    expect(readFileSync(store.transcriptPath(id))).toEqual(readFileSync(exported));
    expect((await store.list()).map((session) => session.id)).toEqual([id]);
  });

  it('imports a transcript whose assistant messages carry no usage', async () => {
    const file = join(home.path, 'foreign.jsonl');
    const lines = [
      { type: 'session', version: 1, id: 'foreign', created: '2026-01-01T00:00:00.000Z', cwd: '/elsewhere' },
      { id: 'u', parentId: null, ts: '2026-01-01T00:00:01.000Z', type: 'message', message: { role: 'user', text: 'hi' } },
      { id: 'a', parentId: 'u', ts: '2026-01-01T00:00:02.000Z', type: 'message', message: { role: 'assistant', parts: [{ type: 'text', text: 'yo' }], stopReason: 'stop', provider: 'x', model: 'y' } },
    ];
    writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const meta = await store.importTranscript(file);
    expect(meta).toMatchObject({ id: 'foreign', messages: 2, provider: 'x', model: 'y', tokens: { input: 0, output: 0 } });
  });

  it('refuses a transcript whose id already exists, with exit 2', async () => {
    const id = await createClosed();
    const exported = join(home.path, 'export.jsonl');
    writeFileSync(exported, readFileSync(store.transcriptPath(id)));
    const error = await rejection(store.importTranscript(exported));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('already exists');
  });

  it('refuses a file that is not a transcript, with exit 2', async () => {
    const garbage = join(home.path, 'notes.txt');
    writeFileSync(garbage, 'these are my notes\nnot a transcript\n');
    const error = await rejection(store.importTranscript(garbage));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('does not start with a session header');
    expect(existsSync(paths.sessions) ? readdirSync(paths.sessions).filter((name) => name.endsWith('.jsonl')) : []).toEqual([]);
  });

  it('refuses a missing file, with exit 2', async () => {
    const error = await rejection(store.importTranscript(join(home.path, 'nope.jsonl')));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('no such file');
  });

  it('refuses a header id that could escape the sessions folder', async () => {
    const crafted = join(home.path, 'crafted.jsonl');
    writeFileSync(crafted, `${JSON.stringify({ type: 'session', version: 1, id: '../../escape', created: '2026-01-01T00:00:00.000Z', cwd: '/' })}\n`);
    const error = await rejection(store.importTranscript(crafted));
    expect(error.exitCode).toBe(2);
    expect(existsSync(join(home.path, '..', 'escape.jsonl'))).toBe(false);
  });
});

describe('SessionStore: remove', () => {
  it('deletes the transcript and the index entry', async () => {
    const id = await createClosed();
    const removed = await store.remove(id);
    expect(removed.id).toBe(id);
    expect(existsSync(store.transcriptPath(id))).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('removes a session given by a unique prefix, leaving the others', async () => {
    await createClosed({ id: 'keep-1' });
    await createClosed({ id: 'drop-1' });
    await store.remove('dr');
    expect((await store.list()).map((meta) => meta.id)).toEqual(['keep-1']);
  });
});

describe('SessionStore: the index', () => {
  it('lists a session whose first turn has not been recorded yet, from its transcript', async () => {
    const session = await create({ id: 'fresh', title: 'just started', key: 'telegram:dm:7' });
    session.append({ type: 'message', message: { role: 'user', text: 'first words' } });
    expect(await store.list()).toEqual([expect.objectContaining({ id: 'fresh', title: 'just started', key: 'telegram:dm:7', messages: 1, model: 'gpt-5.4-mini' })]);
    expect(existsSync(paths.sessionIndex)).toBe(false);
  });

  it('is rebuilt from the transcripts when index.json is corrupt', async () => {
    const id = await createClosed({ id: 'survivor' });
    writeFileSync(paths.sessionIndex, '{"version":1,"sessions":{"surv');
    expect(await store.list()).toEqual([expect.objectContaining({ id, messages: 1, title: 'hello from survivor', cwd: '/work/project' })]);
  });

  it('is rebuilt from the transcripts when index.json is missing', async () => {
    const id = await createClosed({ id: 'survivor' });
    rmSync(paths.sessionIndex);
    expect((await store.list()).map((meta) => meta.id)).toEqual([id]);
  });

  it('is rebuilt when index.json parses but does not hold sessions', async () => {
    const id = await createClosed({ id: 'survivor' });
    writeFileSync(paths.sessionIndex, JSON.stringify({ version: 1, sessions: { survivor: null } }));
    expect((await store.list()).map((meta) => meta.id)).toEqual([id]);
  });

  it('leaves out files that are not transcripts when rebuilding', async () => {
    const id = await createClosed({ id: 'real' });
    writeFileSync(join(paths.sessions, 'junk.jsonl'), 'not json at all\n');
    writeFileSync(paths.sessionIndex, 'garbage');
    expect((await store.list()).map((meta) => meta.id)).toEqual([id]);
  });

  it('leaves out a transcript whose header names another id than its file', async () => {
    mkdirSync(paths.sessions, { recursive: true });
    writeFileSync(paths.sessionIndex, 'garbage');
    writeTranscriptFile('renamed.jsonl', { type: 'session', version: 1, id: '../outside', created: '2026-01-01T00:00:00.000Z', cwd: '/' });
    writeTranscriptFile('good.jsonl', { type: 'session', version: 1, id: 'good', created: '2026-01-01T00:00:00.000Z', cwd: '/' });
    expect((await store.list()).map((meta) => meta.id)).toEqual(['good']);
  });

  it('recomputes tokens and the cost of known models when rebuilding', async () => {
    const session = await create({ id: 'priced' });
    const usage = { input: 1_000_000, output: 100_000, cacheRead: 0, cacheWrite: 0 };
    session.append({ type: 'message', message: { role: 'user', text: 'hi' } });
    session.append({ type: 'message', message: { role: 'assistant', parts: [{ type: 'text', text: 'yo' }], stopReason: 'stop', provider: 'openai', model: 'gpt-4o-2024-08-06', usage } });
    session.close();
    writeFileSync(paths.sessionIndex, 'garbage');
    const [meta] = await store.list();
    expect(meta.tokens).toEqual(usage);
    // gpt-4o: $2.50 per million input, $10 per million output
    expect(meta.cost).toBeCloseTo(2.5 + 1.0, 6);
  });

  it('is written back by rebuildIndex', async () => {
    await createClosed({ id: 'one' });
    await createClosed({ id: 'two' });
    writeFileSync(paths.sessionIndex, 'garbage');
    expect(await store.rebuildIndex()).toBe(2);
    expect(Object.keys(JSON.parse(readFileSync(paths.sessionIndex, 'utf8')).sessions).sort()).toEqual(['one', 'two']);
  });
});
