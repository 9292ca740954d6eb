import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let home: ReturnType<typeof tempDir>;
beforeEach(() => {
  home = tempDir('openclaw-approvals-');
});
afterEach(() => home.cleanup());

const saved = {
  version: 1,
  approvals: [
    { rule: 'shell(npm test *)', where: '/work/a', granted: '2026-11-01T10:00:00.000Z', lastUsed: '2026-11-02T10:00:00.000Z' },
    { rule: 'shell(npm test *)', where: '/work/b', granted: '2026-11-03T10:00:00.000Z' },
    { rule: 'write(src/x.ts)', where: '/work/a', granted: '2026-11-04T10:00:00.000Z' },
  ],
};

describe('openclaw approvals', () => {
  it('lists saved approvals with where and when', async () => {
    writeFileSync(join(home.path, 'approvals.json'), JSON.stringify(saved));
    const result = await runCli(['approvals', 'list'], { env: { OPENCLAW_HOME: home.path } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/shell\(npm test \*\)\s+\/work\/a\s+2026-11-01 10:00\s+2026-11-02 10:00/);
    expect(result.stdout).toMatch(/write\(src\/x\.ts\)\s+\/work\/a\s+2026-11-04 10:00\s+never/);
  });

  it('prints JSON with --json', async () => {
    writeFileSync(join(home.path, 'approvals.json'), JSON.stringify(saved));
    const result = await runCli(['approvals', 'list', '--json'], { env: { OPENCLAW_HOME: home.path } });
    expect(JSON.parse(result.stdout)).toEqual(saved.approvals);
  });

  it('removes a rule only where asked, then everywhere', async () => {
    writeFileSync(join(home.path, 'approvals.json'), JSON.stringify(saved));
    const env = { OPENCLAW_HOME: home.path };
    expect((await runCli(['approvals', 'rm', 'shell(npm test *)', '--where', '/work/b'], { env })).code).toBe(0);
    let listed = JSON.parse((await runCli(['approvals', 'list', '--json'], { env })).stdout);
    expect(listed.map((item: { where: string; rule: string }) => `${item.rule}@${item.where}`)).toEqual(['shell(npm test *)@/work/a', 'write(src/x.ts)@/work/a']);
    expect((await runCli(['approvals', 'rm', 'shell(npm test *)'], { env })).code).toBe(0);
    listed = JSON.parse((await runCli(['approvals', 'list', '--json'], { env })).stdout);
    expect(listed).toHaveLength(1);
  });

  it('exits 2 with a hint when the rule is not saved', async () => {
    const result = await runCli(['approvals', 'rm', 'shell(nothing)'], { env: { OPENCLAW_HOME: home.path } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no saved approval');
    expect(result.stderr).toContain('approvals list');
  });

  it('says how approvals are made when there are none', async () => {
    const result = await runCli(['approvals', 'list'], { env: { OPENCLAW_HOME: home.path } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No saved approvals');
  });
});
