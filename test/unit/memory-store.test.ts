import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenclawError } from '../../src/errors.js';
import { entryId } from '../../src/memory/markdown.js';
import { MemoryStore } from '../../src/memory/store.js';
import { tempDir } from '../helpers/cli.js';

let home: { path: string; cleanup: () => void };
let warnings: string[];
const today = new Date(2026, 10, 22, 15, 30);

function store(): MemoryStore {
  return new MemoryStore({ home: home.path, warn: (message) => warnings.push(message), now: () => today });
}

const memoryFile = (file: string) => join(home.path, 'memory', file);
const read = (file: string) => readFileSync(memoryFile(file), 'utf8');

function write(file: string, content: string): void {
  mkdirSync(join(memoryFile(file), '..'), { recursive: true });
  writeFileSync(memoryFile(file), content);
}

async function expectUsageError(promise: Promise<unknown>, message: RegExp): Promise<OpenclawError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OpenclawError);
  expect((error as OpenclawError).exitCode).toBe(2);
  expect((error as OpenclawError).message).toMatch(message);
  return error as OpenclawError;
}

beforeEach(() => {
  home = tempDir('openclaw-memory-');
  warnings = [];
});

afterEach(() => {
  home.cleanup();
});

describe('adding', () => {
  it("writes a note as a list item in today's notes file", async () => {
    const entry = await store().add('The deploy script lives in ops/deploy.sh');
    expect(entry).toMatchObject({
      id: entryId('The deploy script lives in ops/deploy.sh'),
      text: 'The deploy script lives in ops/deploy.sh',
      file: 'notes/2026-11-22.md',
      date: '2026-11-22',
      durable: false,
      created: true,
    });
    const lines = read('notes/2026-11-22.md').split('\n');
    expect(lines[0]).toBe('# 2026-11-22');
    expect(lines[entry.line - 1]).toBe('- The deploy script lives in ops/deploy.sh');
  });

  it('writes a durable fact to MEMORY.md', async () => {
    const entry = await store().add('User prefers pnpm over npm', { durable: true });
    expect(entry).toMatchObject({ file: 'MEMORY.md', durable: true, created: true });
    expect(entry.date).toBeUndefined();
    expect(read('MEMORY.md')).toContain('\n- User prefers pnpm over npm\n');
  });

  it('keeps a multi-line text as one entry', async () => {
    const text = 'Release checklist:\n1. bump the version\n\n2. npm publish';
    const entry = await store().add(text);
    const [listed] = await store().list();
    expect(listed.id).toBe(entry.id);
    expect(listed.text).toBe(text);
  });

  it('does not write the same text twice', async () => {
    const first = await store().add('The cat is called Mimi');
    const second = await store().add('  The cat is called   Mimi ');
    expect(second).toMatchObject({ id: first.id, created: false });
    expect(read('notes/2026-11-22.md').match(/Mimi/g)).toHaveLength(1);
  });

  it('copies a note into MEMORY.md when it is made durable, and lists it once', async () => {
    const note = await store().add('Backups run nightly at 02:00 UTC');
    const durable = await store().add('Backups run nightly at 02:00 UTC', { durable: true });
    expect(durable).toMatchObject({ id: note.id, file: 'MEMORY.md', durable: true, created: true });
    expect((await store().list()).filter((entry) => entry.id === note.id)).toHaveLength(1);
  });

  it('refuses empty and oversized text with a usage error', async () => {
    await expectUsageError(store().add('   \n '), /empty/);
    await expectUsageError(store().add('x'.repeat(2001)), /at most 2000 characters/);
    expect(existsSync(memoryFile('notes'))).toBe(false);
  });

  it('keeps every add when two stores write at the same time', async () => {
    const [a, b] = [store(), store()];
    const texts = Array.from({ length: 24 }, (_, index) => `parallel fact number ${index}`);
    await Promise.all(texts.map((text, index) => (index % 2 ? a : b).add(text, { durable: index % 3 === 0 })));
    const listed = (await store().list()).map((entry) => entry.text).sort();
    expect(listed).toEqual([...texts].sort());
  });
});

describe('searching', () => {
  beforeEach(async () => {
    const memory = store();
    await memory.add('The billing service uses Postgres 16', { durable: true });
    await memory.add('Ana wants the Q3 numbers by Friday');
    await memory.add('Deployment happens through ops/deploy.sh on staging first');
    await memory.add('The cat is called Mimi');
  });

  it('ranks the entry that matches best first, with a score and a snippet', async () => {
    const hits = await store().search('which database does billing run on postgres');
    expect(hits[0]).toMatchObject({ text: 'The billing service uses Postgres 16', file: 'MEMORY.md', durable: true });
    expect(hits[0].score).toBeGreaterThan(0);
    expect(hits[0].snippet).toContain('Postgres');
    expect(hits.map((hit) => hit.text)).not.toContain('The cat is called Mimi');
  });

  it('matches word prefixes and small typos', async () => {
    expect((await store().search('deploy'))[0]?.text).toContain('ops/deploy.sh');
    expect((await store().search('postgress'))[0]?.text).toContain('Postgres 16');
  });

  it('respects the limit', async () => {
    await store().add('Mimi the cat likes tuna');
    expect(await store().search('mimi cat', { limit: 1 })).toHaveLength(1);
  });

  it('finds nothing for a query made only of common words', async () => {
    expect(await store().search('what is the')).toEqual([]);
  });

  it('cuts a long entry down to a snippet around the match', async () => {
    await store().add(`${'filler words here '.repeat(30)}the zebra crossing is on Main Street ${'and more filler '.repeat(30)}`);
    const [hit] = await store().search('zebra');
    expect(hit.snippet.length).toBeLessThanOrEqual(170);
    expect(hit.snippet).toContain('zebra');
    expect(hit.snippet.startsWith('…')).toBe(true);
  });
});

describe('removing', () => {
  it('forgets an entry by id: gone from the file and from search, the others kept', async () => {
    const memory = store();
    const keep = await memory.add('The staging server is staging.example.com');
    const forget = await memory.add('The VPN config is in ~/vpn/client.ovpn');
    const removed = await memory.remove(forget.id);
    expect(removed.id).toBe(forget.id);
    expect(read('notes/2026-11-22.md')).not.toContain('VPN');
    expect(await store().search('vpn config')).toEqual([]);
    expect((await store().list()).map((entry) => entry.id)).toEqual([keep.id]);
  });

  it('accepts a unique id prefix of four characters or more', async () => {
    const entry = await store().add('Coffee with Bob on Tuesdays');
    await store().remove(entry.id.slice(0, 6));
    expect(await store().list()).toEqual([]);
  });

  it('removes every copy of the text, in every file', async () => {
    write('MEMORY.md', '# Memory\n\n- API keys rotate every 90 days\n- other fact\n');
    write('notes/2026-01-05.md', '# 2026-01-05\n\nAPI keys rotate   every 90 days\n');
    await store().remove(entryId('API keys rotate every 90 days'));
    expect(read('MEMORY.md')).toBe('# Memory\n\n- other fact\n');
    expect(read('notes/2026-01-05.md')).not.toContain('API keys');
  });

  it('reports an unknown id as a usage error with a hint', async () => {
    await store().add('something to keep');
    const error = await expectUsageError(store().remove('deadbeef0000'), /no memory entry with id "deadbeef0000"/);
    expect(error.hint).toContain('openclaw memory list');
  });

  it('reports an ambiguous prefix and names the candidates', async () => {
    const byPrefix = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let index = 0; !pair; index++) {
      const text = `fact number ${index}`;
      const prefix = entryId(text).slice(0, 4);
      const other = byPrefix.get(prefix);
      if (other) pair = [other, text];
      byPrefix.set(prefix, text);
    }
    for (const text of pair) await store().add(text);
    const error = await expectUsageError(store().remove(entryId(pair[0]).slice(0, 4)), /matches 2 entries/);
    expect(error.message).toContain(entryId(pair[1]));
  });
});

describe('the files are the truth', () => {
  it('finds the new text and not the old after a hand edit, and keeps the other ids', async () => {
    const memory = store();
    const edited = await memory.add('The office wifi password is hunter2', { durable: true });
    const untouched = await memory.add('The printer is on the third floor', { durable: true });
    writeFileSync(memoryFile('MEMORY.md'), read('MEMORY.md').replace('hunter2', 'correct-horse-battery'));

    expect(await memory.search('hunter2')).toEqual([]);
    const [hit] = await memory.search('correct horse battery');
    expect(hit.text).toBe('The office wifi password is correct-horse-battery');
    expect(hit.id).not.toBe(edited.id);
    expect((await memory.get(untouched.id)).text).toBe('The printer is on the third floor');
  });

  it('indexes a file added by hand and drops a file deleted by hand', async () => {
    const memory = store();
    await memory.add('first note');
    write('projects/falcon.md', '# Falcon\n\n- Falcon launches on March 3\n');
    expect((await memory.search('falcon launch'))[0]).toMatchObject({ file: 'projects/falcon.md', line: 3 });
    rmSync(memoryFile('projects/falcon.md'));
    expect(await memory.search('falcon launch')).toEqual([]);
  });

  it('sees what another store (another process) wrote', async () => {
    const reader = store();
    await reader.add('an early fact');
    expect(await reader.search('kestrel')).toEqual([]);
    await store().add('Project Kestrel ships in May');
    expect((await reader.search('kestrel'))[0]?.text).toBe('Project Kestrel ships in May');
  });

  it('re-reads only the file that changed', async () => {
    const memory = store();
    for (let day = 1; day <= 5; day++) write(`notes/2026-01-0${day}.md`, `# day ${day}\n\n- note of day ${day}\n`);
    await memory.list();
    write('notes/2026-01-03.md', '# day 3\n\n- rewritten note of day 3\n');
    expect(await memory.sync()).toMatchObject({ files: 5, entries: 5, reread: 1, changed: 1 });
    expect(await memory.sync()).toMatchObject({ reread: 0, changed: 0 });
  });

  it('rebuilds a corrupt index with a warning, and the results stay right', async () => {
    await store().add('The billing service uses Postgres 16');
    writeFileSync(join(home.path, 'memory', '.index.json'), '{"format":"openclaw-memory-index","version":1,"files":{"x');
    const hits = await store().search('billing postgres');
    expect(hits.map((hit) => hit.text)).toEqual(['The billing service uses Postgres 16']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/memory index .* is damaged .*rebuilding it from the Markdown files/);
    expect(() => JSON.parse(readFileSync(join(home.path, 'memory', '.index.json'), 'utf8'))).not.toThrow();
  });

  it('rebuilds an index whose records do not match its search data', async () => {
    await store().add('The billing service uses Postgres 16');
    const path = join(home.path, 'memory', '.index.json');
    const index = JSON.parse(readFileSync(path, 'utf8'));
    index.files = {};
    writeFileSync(path, JSON.stringify(index));
    expect((await store().search('postgres')).map((hit) => hit.text)).toEqual(['The billing service uses Postgres 16']);
    expect(warnings.join('\n')).toMatch(/damaged/);
  });

  it('indexes a hand-edited file with broken Markdown', async () => {
    write(
      'MEMORY.md',
      '# Memory\n<!-- unclosed comment\n- [ ] half a task\n```js\nconst broken = {\n\n####### too deep\n  - orphan nested item about zeppelins\n\u0000\uFFFD bytes\n',
    );
    write('notes/2026-02-30.md', Buffer.from([0x2d, 0x20, 0xff, 0xfe, 0x20, 0x6c, 0x61, 0x74, 0x69, 0x6e, 0x31, 0x0a]).toString('latin1'));
    const memory = store();
    expect((await memory.search('zeppelins'))[0]?.file).toBe('MEMORY.md');
    expect((await memory.search('half task'))[0]?.file).toBe('MEMORY.md');
    expect((await memory.list()).length).toBeGreaterThanOrEqual(3);
    expect(warnings).toEqual([]);
  });

  it('rebuilds the index from the files on reindex and reports counts', async () => {
    await store().add('durable one', { durable: true });
    await store().add('note one');
    await store().add('note two');
    const report = await store().reindex();
    expect(report).toMatchObject({ files: 2, entries: 3, durable: 1 });
  });
});

describe('recall', () => {
  beforeEach(async () => {
    const memory = store();
    await memory.add('The billing service uses Postgres 16 on db-7.internal', { durable: true });
    await memory.add('User prefers pnpm over npm', { durable: true });
    const filler = [
      'Coffee with Bob on Tuesdays',
      'The cat is called Mimi',
      'Backups run nightly at 02:00 UTC',
      'Project Falcon deadline is March 3',
      'Hi and thanks: how are you today? OK, that is great, hello again',
    ];
    for (const text of filler) await memory.add(text);
    for (let index = 0; index < 8; index++) await memory.add(`Meeting notes ${index}: reviewed the roadmap slides`);
  });

  it('returns the relevant memories as one marked block', async () => {
    const block = await store().recall('Which database does the billing service run on?');
    expect(block).toMatch(/^<memory>\n/);
    expect(block).toMatch(/<\/memory>$/);
    expect(block).toContain('- [durable] The billing service uses Postgres 16 on db-7.internal');
    expect(block).not.toContain('Mimi');
    expect(block).not.toContain('roadmap');
  });

  it('leaves out entries that share only a word or two with a better match', async () => {
    await store().add('The service desk opens at 9');
    const block = await store().recall('Which database does the billing service use, Postgres or MySQL?');
    expect(block).toContain('Postgres 16 on db-7.internal');
    expect(block).not.toContain('service desk');
  });

  it('recalls nothing for greetings and small talk', async () => {
    for (const input of ['hi', 'Hello!', 'thanks, that is great', 'ok', 'how are you today?']) {
      expect(await store().recall(input), input).toBeUndefined();
    }
  });

  it('recalls nothing when no memory is relevant', async () => {
    expect(await store().recall('Explain the borrow checker in Rust')).toBeUndefined();
  });

  it('stays within the token budget', async () => {
    const memory = store();
    for (let index = 0; index < 40; index++) {
      await memory.add(`Kubernetes cluster note ${index}: ${'the kubernetes cluster runs many pods and services '.repeat(10)}`);
    }
    const block = await memory.recall('kubernetes cluster pods', { maxTokens: 300 });
    expect(block).toBeDefined();
    expect(block!.length).toBeLessThanOrEqual(300 * 4);
    expect(block).toContain('Kubernetes cluster note');
    expect((await memory.recall('kubernetes cluster pods'))!.length).toBeLessThanOrEqual(1500 * 4);
  });

  it('recalls the only fact of a store that holds one', async () => {
    const lone = tempDir('openclaw-memory-lone-');
    try {
      const memory = new MemoryStore({ home: lone.path });
      await memory.add('My daughter Lina was born on 2019-04-12', { durable: true });
      expect(await memory.recall("When is Lina's birthday?")).toContain('Lina was born on 2019-04-12');
    } finally {
      lone.cleanup();
    }
  });

  it('needs no memory directory and creates none', async () => {
    const empty = tempDir('openclaw-memory-empty-');
    try {
      const memory = new MemoryStore({ home: empty.path });
      expect(await memory.recall('billing database')).toBeUndefined();
      expect(await memory.search('billing')).toEqual([]);
      expect(await memory.list()).toEqual([]);
      expect(existsSync(join(empty.path, 'memory'))).toBe(false);
    } finally {
      empty.cleanup();
    }
  });
});
