import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCommands, commandSpec } from '../../src/cli/completion.js';
import { manPage } from '../../src/cli/man.js';
import { buildProgram } from '../../src/cli/program.js';
import { version } from '../../src/cli/version.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PAGE = join(ROOT, 'man', 'openclaw.1');

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(file, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? ((error as { code?: number | string }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('man/openclaw.1', () => {
  const spec = commandSpec(buildProgram(version()));

  it('matches the command tree (run `npm run build` after changing commands)', () => {
    expect(readFileSync(PAGE, 'utf8')).toBe(manPage(spec, version()));
  });

  it('is installed by npm through the package.json "man" field', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(resolve(ROOT, pkg.man)).toBe(PAGE);
    expect(pkg.files).toContain('man');
  });

  it('renders with groff without a single warning', async () => {
    const result = await run('groff', ['-ww', '-man', '-Tutf8', '-z', PAGE]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('passes mandoc -T lint without a message, style included, when mandoc is installed', async () => {
    const probe = await run('mandoc', ['-V']);
    if (probe.code === 'ENOENT') return; // groff above is the check on machines without mandoc
    const result = await run('mandoc', ['-T', 'lint', '-W', 'style', PAGE]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('reads like a man page: the usual sections, every command, its options', async () => {
    // Wide lines and single spaces: what a reader sees, without the justification.
    const result = await run('groff', ['-man', '-Tutf8', '-rLL=250n', '-P', '-cbou', PAGE]);
    const text = result.stdout.replace(/[ \t]+/g, ' ').replace(/^ /gm, '');
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'FILES', 'ENVIRONMENT', 'EXIT STATUS', 'EXAMPLES', 'SECURITY', 'SEE ALSO']) {
      expect(text).toMatch(new RegExp(`^${section}$`, 'm'));
    }
    expect(text).toMatch(/^NAME\nopenclaw - a personal AI agent runtime/m);
    for (const command of allCommands(spec).filter((candidate) => candidate.path.length > 0 && candidate.name !== 'help')) {
      expect(text).toContain(`openclaw ${command.path.join(' ')}`);
    }
    expect(text).toMatch(/-r, --resume id\ncontinue the session with this id/);
    expect(text).toMatch(/--approval mode\nwhat tools may do without asking\. One of: read-only, ask, auto-edit, full\./);
    expect(text).toContain('$OPENCLAW_HOME/config.json');
    expect(text).toMatch(/^4 turn or budget limit reached/m);
  });
});
