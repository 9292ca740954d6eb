import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/memory/store.js';
import { memoryTools } from '../../src/memory/tools.js';
import type { ToolContext } from '../../src/tools/types.js';
import { tempDir } from '../helpers/cli.js';

let home: { path: string; cleanup: () => void };
let store: MemoryStore;

const context: ToolContext = {
  cwd: '/nonexistent-workspace',
  signal: new AbortController().signal,
  limits: { shellTimeoutMs: 1000, shellMaxOutputBytes: 1024 },
  env: {},
};

beforeEach(() => {
  home = tempDir('openclaw-memory-tools-');
  store = new MemoryStore({ home: home.path, now: () => new Date(2026, 10, 22) });
});

afterEach(() => {
  home.cleanup();
});

describe('memory tools', () => {
  it('declare their capability and act on the store, not on workspace paths', () => {
    const [search, write] = memoryTools(store);
    expect([search.name, search.capability, search.target({ query: 'x' })]).toEqual(['memory_search', 'read', { kind: 'none' }]);
    expect([write.name, write.capability, write.target({ text: 'x' })]).toEqual(['memory_write', 'write', { kind: 'none' }]);
  });

  it('keep what is sent with every request small', () => {
    for (const tool of memoryTools(store)) {
      const bytes = JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters }).length;
      expect(bytes, tool.name).toBeLessThan(350);
    }
  });

  it('write a fact that a later search finds, with its id', async () => {
    const [search, write] = memoryTools(store);
    const written = await write.run({ text: 'The user deploys with ops/deploy.sh', durable: true }, context);
    expect(written.ok).toBe(true);
    expect(written.touched).toEqual([join(home.path, 'memory', 'MEMORY.md')]);
    const id = /Saved as ([0-9a-f]{12})/.exec(written.content)?.[1];
    expect(id).toBeDefined();

    const found = await search.run({ query: 'how does the user deploy' }, context);
    expect(found.ok).toBe(true);
    expect(found.content).toContain(`[${id} durable] The user deploys with ops/deploy.sh`);
  });

  it('say so when a fact is already remembered', async () => {
    const [, write] = memoryTools(store);
    await write.run({ text: 'Lina likes dinosaurs' }, context);
    const again = await write.run({ text: 'Lina likes dinosaurs' }, context);
    expect(again).toMatchObject({ ok: true });
    expect(again.content).toMatch(/^Already in memory as [0-9a-f]{12}\.$/);
  });

  it('report bad input as a failed result the model can correct', async () => {
    const [search, write] = memoryTools(store);
    const empty = await write.run({ text: '  ' }, context);
    expect(empty.ok).toBe(false);
    expect(empty.content).toContain('empty');
    const none = await search.run({ query: 'anything at all' }, context);
    expect(none).toMatchObject({ ok: true, content: 'No memories match.' });
  });
});
