import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let home: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;
beforeEach(() => {
  home = tempDir('openclaw-audit-home-');
  work = tempDir('openclaw-audit-work-');
  chmodSync(home.path, 0o700);
});
afterEach(() => {
  home.cleanup();
  work.cleanup();
});

const audit = (args: string[] = []) => runCli(['security', 'audit', ...args], { env: { OPENCLAW_HOME: home.path }, cwd: work.path });

function writeConfig(config: unknown, mode = 0o600) {
  writeFileSync(join(home.path, 'config.json'), JSON.stringify(config));
  chmodSync(join(home.path, 'config.json'), mode);
}

describe('openclaw security audit', () => {
  it('passes a private store with safe settings (exit 0)', async () => {
    writeConfig({ approval: 'auto-edit', permissions: { allow: ['shell(npm test *)'] } });
    const result = await audit(['--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    expect(report.findings.filter((finding: { severity: string }) => finding.severity !== 'low')).toEqual([]);
  });

  it('flags a world-readable config file with the chmod that fixes it', async () => {
    writeConfig({}, 0o644);
    const report = JSON.parse((await audit(['--json'])).stdout);
    expect(report.findings).toContainEqual(expect.objectContaining({ id: 'store-permissions', severity: 'high', fix: `chmod 600 ${join(home.path, 'config.json')}` }));
  });

  it('flags a key pasted into a project settings file as high (exit 1)', async () => {
    mkdirSync(join(work.path, '.openclaw'));
    writeFileSync(join(work.path, '.openclaw', 'settings.json'), JSON.stringify({ note: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789' }));
    const result = await audit();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/HIGH\s+secret-in-config/);
    expect(result.stdout).not.toContain('abcdefghijklmnop');
  });

  it('flags broad allow rules, in config and in saved approvals, and full mode', async () => {
    writeConfig({ approval: 'full', permissions: { allow: ['shell(*)', 'read'] } });
    writeFileSync(join(home.path, 'approvals.json'), JSON.stringify({ version: 1, approvals: [{ rule: 'write', where: work.path, granted: '2026-11-01T00:00:00.000Z' }] }), { mode: 0o600 });
    const result = await audit(['--json']);
    expect(result.code).toBe(1);
    const ids = JSON.parse(result.stdout).findings.map((finding: { id: string; message: string }) => `${finding.id}: ${finding.message}`);
    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/^broad-allow-rule: config permissions.allow allows shell\(\*\)/), expect.stringMatching(/^broad-allow-rule: approvals.json .* allows write/), expect.stringMatching(/^full-approval-default/)]));
    expect(ids.join('\n')).not.toMatch(/allows read/);
  });

  it('flags a sandbox turned off', async () => {
    writeConfig({ sandbox: 'off' });
    const report = JSON.parse((await audit(['--json'])).stdout);
    expect(report.findings).toContainEqual(expect.objectContaining({ id: 'sandbox-off', fix: 'openclaw config set sandbox auto' }));
  });
});

describe('gateway exposure', () => {
  it('flags a gateway bound beyond loopback and gateway sessions in full mode', async () => {
    writeConfig({ gateway: { host: '0.0.0.0', allowRemote: true, approval: 'full' } });
    const result = await audit(['--json']);
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout).findings;
    expect(findings).toContainEqual(expect.objectContaining({ id: 'gateway-exposed', severity: 'medium' }));
    expect(findings).toContainEqual(expect.objectContaining({ id: 'gateway-full-approval', severity: 'high' }));
  });

  it('says nothing about a gateway on loopback', async () => {
    writeConfig({ gateway: { host: '127.0.0.1' } });
    const findings = JSON.parse((await audit(['--json'])).stdout).findings;
    expect(findings.map((finding: { id: string }) => finding.id)).not.toContain('gateway-exposed');
  });
});
