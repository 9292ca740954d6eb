import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

/** `openclaw memory ...` as a user runs it, against a store in a temp OPENCLAW_HOME. */

let home: { path: string; cleanup: () => void };

function cli(args: string[]): Promise<CliResult> {
  return runCli(['memory', ...args], { env: { OPENCLAW_HOME: home.path }, cwd: home.path });
}

function expectOk(result: CliResult): void {
  expect(result.code, result.stderr).toBe(0);
}

function expectNoStack(result: CliResult): void {
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('unexpected error');
}

const memoryFile = (file: string) => join(home.path, 'memory', file);

beforeEach(() => {
  home = tempDir('openclaw-memory-cli-');
});

afterEach(() => {
  home.cleanup();
});

describe('openclaw memory', () => {
  it('adds, searches, lists and removes an entry', async () => {
    const added = await cli(['add', 'The', 'deploy', 'script', 'is', 'ops/deploy.sh']);
    expectOk(added);
    const id = /^remembered ([0-9a-f]{12}) in notes\/\d{4}-\d{2}-\d{2}\.md:3$/.exec(added.stdout.trim())?.[1];
    expect(id, added.stdout).toBeDefined();

    const search = await cli(['search', 'deploy', 'script']);
    expectOk(search);
    expect(search.stdout).toMatch(/^ID\s+SCORE\s+WHERE\s+TEXT/);
    expect(search.stdout).toContain(`${id}`);
    expect(search.stdout).toContain('The deploy script is ops/deploy.sh');

    const json = await cli(['search', 'deploy', '--json']);
    expectOk(json);
    const [hit] = JSON.parse(json.stdout);
    expect(hit).toMatchObject({ id, text: 'The deploy script is ops/deploy.sh', durable: false, line: 3 });
    expect(hit.score).toBeGreaterThan(0);

    const list = await cli(['list', '--json']);
    expect(JSON.parse(list.stdout).map((entry: { id: string }) => entry.id)).toEqual([id]);

    const removed = await cli(['rm', id!]);
    expectOk(removed);
    expect(removed.stdout).toBe(`forgot ${id}: The deploy script is ops/deploy.sh\n`);
    expect(JSON.parse((await cli(['list', '--json'])).stdout)).toEqual([]);
    expect((await cli(['search', 'deploy'])).stdout).toBe('No memories match "deploy".\n');
  });

  it('keeps --durable facts in MEMORY.md', async () => {
    const added = await cli(['add', '--durable', 'User prefers pnpm']);
    expectOk(added);
    expect(added.stdout).toMatch(/^remembered [0-9a-f]{12} in MEMORY\.md:\d+\n$/);
    expect(readFileSync(memoryFile('MEMORY.md'), 'utf8')).toContain('- User prefers pnpm\n');
    const list = await cli(['list']);
    expect(list.stdout).toMatch(/durable\s+MEMORY\.md:\d+\s+User prefers pnpm/);
  });

  it('exits 2 with a hint on an unknown id, without a stack trace', async () => {
    await cli(['add', 'something']);
    const result = await cli(['rm', 'abcdef123456']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no memory entry with id "abcdef123456"');
    expect(result.stderr).toContain('hint:');
    expectNoStack(result);
  });

  it('exits 2 on bad arguments', async () => {
    const limit = await cli(['search', 'x', '--limit', 'lots']);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit must be a positive whole number');
    const empty = await cli(['add', '  ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('nothing to remember');
    for (const result of [limit, empty]) expectNoStack(result);
  });

  it('finds the new text and not the old after MEMORY.md is edited by hand', async () => {
    expectOk(await cli(['add', '--durable', 'The staging host is alpha.example.com']));
    const path = memoryFile('MEMORY.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('alpha.example.com', 'bravo.example.com'));
    expect((await cli(['search', 'alpha'])).stdout).toBe('No memories match "alpha".\n');
    expect((await cli(['search', 'bravo'])).stdout).toContain('The staging host is bravo.example.com');
  });

  it('reindexes and prints the counts', async () => {
    expectOk(await cli(['add', '--durable', 'fact one']));
    expectOk(await cli(['add', 'note one']));
    const result = await cli(['reindex']);
    expectOk(result);
    expect(result.stdout).toMatch(/^indexed 2 entries \(1 durable\) from 2 files in .+ in \d+ ms\n$/);
  });

  it('rebuilds a corrupt index with a warning and answers correctly', async () => {
    expectOk(await cli(['add', 'Backups run nightly at 02:00 UTC']));
    writeFileSync(memoryFile('.index.json'), 'not json at all');
    const result = await cli(['search', 'backups', '--json']);
    expectOk(result);
    expect(result.stderr).toMatch(/warning: .*memory index .* is damaged/);
    expect(JSON.parse(result.stdout).map((hit: { text: string }) => hit.text)).toEqual(['Backups run nightly at 02:00 UTC']);
  });

  it('keeps every entry when several processes add at once', async () => {
    const texts = Array.from({ length: 6 }, (_, index) => `concurrent fact ${index}`);
    const results = await Promise.all(texts.map((text, index) => cli(['add', ...(index % 2 ? ['--durable'] : []), text])));
    for (const result of results) expectOk(result);
    const listed = JSON.parse((await cli(['list', '--json'])).stdout).map((entry: { text: string }) => entry.text);
    expect(listed.sort()).toEqual([...texts].sort());
  });

  it('lists nothing on a fresh store, and creates no memory folder', async () => {
    const result = await cli(['list']);
    expectOk(result);
    expect(result.stdout).toContain('No memories yet');
    expect(existsSync(memoryFile(''))).toBe(false);
  });
});
