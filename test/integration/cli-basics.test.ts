import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('openclaw start-up', () => {
  it('prints the package version for --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('lists every command of the contract in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['chat', 'serve', 'skill', 'session', 'memory', 'config', 'approvals', 'mcp', 'channels', 'pairing', 'doctor', 'security', 'completion', 'init']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('serves cached help identical to what commander renders', async () => {
    const cached = await runCli(['session', 'export', '--help']);
    // `help session export` goes through the same cache; an option forces commander itself.
    const live = await runCli(['session', 'export', '--format', 'md', '--help']);
    expect(cached.code).toBe(0);
    expect(live.code).toBe(0);
    expect(cached.stdout).toBe(live.stdout);
    expect(cached.stdout).toContain('--format <format>');
  });

  it('exits 2 with a message for an unknown command', async () => {
    const result = await runCli(['sesion', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'sesion'");
    expect(result.stderr).toContain('session');
  });

});
