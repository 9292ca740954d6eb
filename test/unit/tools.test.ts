import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editTool } from '../../src/tools/edit.js';
import { grepTool } from '../../src/tools/grep.js';
import { listTool } from '../../src/tools/list.js';
import { readTool } from '../../src/tools/read.js';
import { shellTool } from '../../src/tools/shell.js';
import type { ToolContext } from '../../src/tools/types.js';
import { writeTool } from '../../src/tools/write.js';

let root: string;
let workspace: string;
let outside: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'openclaw-tools-')));
  workspace = join(root, 'workspace');
  outside = join(root, 'outside');
  await mkdir(workspace);
  await mkdir(outside);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function context(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    cwd: workspace,
    signal: new AbortController().signal,
    limits: { shellTimeoutMs: 20_000, shellMaxOutputBytes: 64 * 1024 },
    env: { PATH: process.env.PATH },
    ...overrides,
  };
}

function numbered(count: number): string {
  return Array.from({ length: count }, (_, index) => `line ${index + 1}\n`).join('');
}

async function put(path: string, content: string): Promise<string> {
  const full = join(workspace, path);
  await mkdir(join(full, '..'), { recursive: true });
  await writeFile(full, content);
  return full;
}

describe('read', () => {
  it('numbers the lines it shows from the offset, up to the limit', async () => {
    await put('notes.txt', numbered(10));
    const result = await readTool.run({ path: 'notes.txt', offset: 3, limit: 2 }, context());
    expect(result.ok).toBe(true);
    expect(result.content.split('\n').slice(0, 2)).toEqual(['3\tline 3', '4\tline 4']);
  });

  it('says how many lines are left and which offset continues', async () => {
    await put('notes.txt', numbered(10));
    const result = await readTool.run({ path: 'notes.txt', offset: 3, limit: 2 }, context());
    expect(result.content).toContain('[6 more lines; continue with offset 5]');
  });

  it('gives no continuation hint when the read reaches the end', async () => {
    await put('notes.txt', numbered(10));
    const result = await readTool.run({ path: 'notes.txt', offset: 9 }, context());
    expect(result.content).toBe(' 9\tline 9\n10\tline 10');
  });

  it('refuses an offset past the last line', async () => {
    await put('notes.txt', numbered(3));
    const result = await readTool.run({ path: 'notes.txt', offset: 4 }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toContain('has 3 lines');
  });

  it('refuses a binary file instead of printing it', async () => {
    await writeFile(join(workspace, 'image.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    const result = await readTool.run({ path: 'image.bin' }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/binary/);
  });

  it('points to list for a directory', async () => {
    await mkdir(join(workspace, 'src'));
    const result = await readTool.run({ path: 'src' }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/directory.*list/);
  });

  it('reports a missing file as not found', async () => {
    const result = await readTool.run({ path: 'missing.txt' }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toContain('File not found: missing.txt');
  });

  it('records the absolute path it read', async () => {
    const full = await put('notes.txt', numbered(1));
    const result = await readTool.run({ path: 'notes.txt' }, context());
    expect(result.touched).toEqual([full]);
  });
});

describe('write', () => {
  it('creates missing parent directories', async () => {
    const result = await writeTool.run({ path: 'a/b/c/new.txt', content: 'hello\n' }, context());
    expect(result.ok).toBe(true);
    expect(await readFile(join(workspace, 'a/b/c/new.txt'), 'utf8')).toBe('hello\n');
  });

  it('overwrites an existing file and says so', async () => {
    await put('file.txt', 'old');
    const result = await writeTool.run({ path: 'file.txt', content: 'new' }, context());
    expect(result.content).toMatch(/^Overwrote file.txt/);
    expect(await readFile(join(workspace, 'file.txt'), 'utf8')).toBe('new');
  });

  it('leaves no temporary file behind', async () => {
    await writeTool.run({ path: 'file.txt', content: 'one' }, context());
    await writeTool.run({ path: 'file.txt', content: 'two' }, context());
    expect(await readdir(workspace)).toEqual(['file.txt']);
  });

  it('keeps the mode of the file it overwrites, whatever the umask', async () => {
    const full = await put('script.sh', '#!/bin/sh\n');
    await chmod(full, 0o775);
    const previous = process.umask(0o022);
    try {
      await writeTool.run({ path: 'script.sh', content: '#!/bin/sh\necho hi\n' }, context());
    } finally {
      process.umask(previous);
    }
    expect((await stat(full)).mode & 0o777).toBe(0o775);
  });

  it('writes through a symlink instead of replacing it', async () => {
    const target = await put('real.txt', 'before');
    await symlink('real.txt', join(workspace, 'alias.txt'));
    await writeTool.run({ path: 'alias.txt', content: 'after' }, context());
    expect((await lstat(join(workspace, 'alias.txt'))).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('after');
  });

  it('refuses to write over a directory', async () => {
    await mkdir(join(workspace, 'src'));
    const result = await writeTool.run({ path: 'src', content: 'x' }, context());
    expect(result.ok).toBe(false);
    expect((await stat(join(workspace, 'src'))).isDirectory()).toBe(true);
  });
});

describe('edit', () => {
  it('replaces a unique match', async () => {
    const full = await put('app.ts', 'const a = 1;\nconst b = 2;\n');
    const result = await editTool.run({ path: 'app.ts', old_string: 'const b = 2;', new_string: 'const b = 3;' }, context());
    expect(result.ok).toBe(true);
    expect(await readFile(full, 'utf8')).toBe('const a = 1;\nconst b = 3;\n');
  });

  it('returns a unified diff with both file headers and the changed lines', async () => {
    await put('app.ts', 'one\ntwo\nthree\n');
    const result = await editTool.run({ path: 'app.ts', old_string: 'two', new_string: 'TWO' }, context());
    expect(result.content).toBe(['Edited app.ts (1 replacement):', '--- a/app.ts', '+++ b/app.ts', '@@ -1,3 +1,3 @@', ' one', '-two', '+TWO', ' three'].join('\n'));
  });

  it('refuses an ambiguous match and leaves the file unchanged', async () => {
    const original = 'x = 1\ny = 2\nx = 1\n';
    const full = await put('vars.py', original);
    const result = await editTool.run({ path: 'vars.py', old_string: 'x = 1', new_string: 'x = 9' }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toContain('matches 2 places');
    expect(await readFile(full, 'utf8')).toBe(original);
  });

  it('refuses text that is not in the file and leaves the file unchanged', async () => {
    const full = await put('vars.py', 'x = 1\n');
    const result = await editTool.run({ path: 'vars.py', old_string: 'x = 2', new_string: 'x = 3' }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toContain('was not found in vars.py');
    expect(await readFile(full, 'utf8')).toBe('x = 1\n');
  });

  it('replaces every match with replace_all and reports the count', async () => {
    const full = await put('names.txt', 'foo bar foo baz foo\n');
    const result = await editTool.run({ path: 'names.txt', old_string: 'foo', new_string: 'qux', replace_all: true }, context());
    expect(result.ok).toBe(true);
    expect(result.summary).toBe('edited names.txt (3 replacements)');
    expect(await readFile(full, 'utf8')).toBe('qux bar qux baz qux\n');
  });

  it('inserts replacement text literally, without $ patterns', async () => {
    const full = await put('price.txt', 'cost: X\n');
    await editTool.run({ path: 'price.txt', old_string: 'X', new_string: "$& $1 $$ $'" }, context());
    expect(await readFile(full, 'utf8')).toBe("cost: $& $1 $$ $'\n");
  });

  it('refuses a missing file and points to write', async () => {
    const result = await editTool.run({ path: 'nope.txt', old_string: 'a', new_string: 'b' }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toContain('Use write to create a file');
  });
});

describe('list', () => {
  it('lists files matching a pattern, sorted, without node_modules or .git', async () => {
    await put('src/b.ts', '');
    await put('src/a.ts', '');
    await put('src/readme.md', '');
    await put('node_modules/pkg/index.ts', '');
    await put('.git/hooks/x.ts', '');
    const result = await listTool.run({ pattern: '**/*.ts' }, context());
    expect(result.content.split('\n')).toEqual(['src/a.ts', 'src/b.ts']);
  });

  it('looks inside node_modules when the pattern names it', async () => {
    await put('node_modules/pkg/index.ts', '');
    const result = await listTool.run({ pattern: 'node_modules/**/*.ts' }, context());
    expect(result.content).toBe('node_modules/pkg/index.ts');
  });

  it('marks directories with a trailing slash', async () => {
    await put('src/a.ts', '');
    await put('top.txt', '');
    const result = await listTool.run({}, context());
    expect(result.content.split('\n')).toEqual(['src/', 'top.txt']);
  });

  it('says how many entries the limit left out', async () => {
    for (const name of ['a', 'b', 'c', 'd']) await put(`${name}.txt`, '');
    const result = await listTool.run({ limit: 3 }, context());
    expect(result.content).toBe('a.txt\nb.txt\nc.txt\n[1 more; narrow the pattern or raise limit]');
  });

  it('does not follow a symlinked directory out of the workspace', async () => {
    await writeFile(join(outside, 'private-key'), 'secret');
    await symlink(outside, join(workspace, 'escape'));
    await put('own.txt', '');
    const result = await listTool.run({ pattern: '**' }, context());
    expect(result.content).not.toContain('private-key');
    expect(result.content).toContain('own.txt');
  });

  it('refuses a file as the directory to list', async () => {
    await put('file.txt', '');
    const result = await listTool.run({ path: 'file.txt' }, context());
    expect(result.ok).toBe(false);
  });
});

describe('grep', () => {
  it('returns file:line: text for matches in files the glob selects', async () => {
    await put('src/app.ts', 'import x\nconst TODO = 1;\n');
    await put('src/app.py', 'TODO = 1\n');
    await put('notes.md', 'TODO later\n');
    const result = await grepTool.run({ pattern: 'TODO', glob: '**/*.ts' }, context());
    expect(result.ok).toBe(true);
    expect(result.content).toBe('src/app.ts:2: const TODO = 1;');
  });

  it('reports an invalid regular expression as an error result', async () => {
    const result = await grepTool.run({ pattern: '(unclosed' }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^Invalid regular expression/);
  });

  it('matches regardless of case with ignore_case', async () => {
    await put('a.txt', 'Hello\n');
    const result = await grepTool.run({ pattern: 'hello', ignore_case: true }, context());
    expect(result.content).toBe('a.txt:1: Hello');
  });

  it('skips node_modules', async () => {
    await put('node_modules/dep/index.js', 'needle\n');
    await put('src/index.js', 'needle\n');
    const result = await grepTool.run({ pattern: 'needle' }, context());
    expect(result.content).toBe('src/index.js:1: needle');
  });

  it('does not read files through a symlink out of the workspace', async () => {
    await writeFile(join(outside, 'credentials'), 'needle outside\n');
    await symlink(outside, join(workspace, 'linked-dir'));
    await symlink(join(outside, 'credentials'), join(workspace, 'linked-file'));
    const result = await grepTool.run({ pattern: 'needle' }, context());
    expect(result.content).not.toContain('needle outside');
  });

  it('does not print .env files found while searching a directory', async () => {
    await put('.env', 'API_KEY=sk-needle\n');
    await put('config.ts', 'const key = "needle";\n');
    const result = await grepTool.run({ pattern: 'needle' }, context());
    expect(result.content).toBe('config.ts:1: const key = "needle";');
  });

  it('says so when nothing matches', async () => {
    await put('a.txt', 'nothing here\n');
    const result = await grepTool.run({ pattern: 'needle' }, context());
    expect(result.ok).toBe(true);
    expect(result.content).toBe('No matches for /needle/.');
  });
});

describe('shell', () => {
  it('returns the output and exit code 0 of a successful command', async () => {
    const result = await shellTool.run({ command: 'echo out; echo err >&2' }, context());
    expect(result.ok).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.content).toBe('exit code 0\nout\nerr\n');
  });

  it('reports a non-zero exit code as a failed result with the code', async () => {
    const result = await shellTool.run({ command: 'echo failing; exit 3' }, context());
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBe(3);
    expect(result.content).toMatch(/^exit code 3\nfailing/);
  });

  it('runs in the workspace', async () => {
    const result = await shellTool.run({ command: 'pwd' }, context());
    expect(result.content).toBe(`exit code 0\n${workspace}\n`);
  });

  it('stops a command that runs past timeout_ms and says it timed out', { timeout: 4_000 }, async () => {
    const result = await shellTool.run({ command: 'sleep 5', timeout_ms: 300 }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^timed out after 300 ms/);
  });

  it('stops the processes a timed-out command started, not only bash', { timeout: 10_000 }, async () => {
    const result = await shellTool.run({ command: 'echo started; sleep 30; echo finished', timeout_ms: 300 }, context());
    expect(result.content).toBe('timed out after 300 ms\nstarted\n');
  });

  it('reports a timeout as a failure even when the command ignored the signal and exited 0', { timeout: 10_000 }, async () => {
    const result = await shellTool.run({ command: 'trap "" TERM; sleep 1; echo done', timeout_ms: 300 }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^timed out after 300 ms/);
  });

  it('returns when the command ends even if it left a background job', { timeout: 10_000 }, async () => {
    const result = await shellTool.run({ command: 'sleep 30 & echo started' }, context());
    expect(result.ok).toBe(true);
    expect(result.content).toBe('exit code 0\nstarted\n');
  });

  it('stops the command when the run is interrupted', { timeout: 10_000 }, async () => {
    const controller = new AbortController();
    const running = shellTool.run({ command: 'echo started; sleep 30' }, context({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 300);
    const result = await running;
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^interrupted/);
  });

  it('keeps the head and the tail of output over the cap', async () => {
    const result = await shellTool.run({ command: 'seq 1 20000' }, context({ limits: { shellTimeoutMs: 20_000, shellMaxOutputBytes: 1000 } }));
    const [status, ...lines] = result.content.split('\n');
    expect(status).toBe('exit code 0');
    expect(lines.slice(0, 3)).toEqual(['1', '2', '3']);
    expect(lines.at(-2)).toBe('20000');
    expect(result.content).toMatch(/\[\.\.\. \d+ bytes omitted \.\.\.\]/);
    expect(Buffer.byteLength(result.content)).toBeLessThan(1200);
  });

  it('gives the command no stdin, so a reader sees end of input at once', { timeout: 10_000 }, async () => {
    const result = await shellTool.run({ command: 'cat; echo "read $?"' }, context());
    expect(result.content).toBe('exit code 0\nread 0\n');
  });

  it('passes the context environment and nothing else from the process', async () => {
    process.env.OPENCLAW_TEST_LEAK = 'from-process';
    try {
      const env = { PATH: process.env.PATH, GIVEN: 'from-context' };
      const result = await shellTool.run({ command: 'echo "[$GIVEN] [$OPENCLAW_TEST_LEAK]"' }, context({ env }));
      expect(result.content).toBe('exit code 0\n[from-context] []\n');
    } finally {
      delete process.env.OPENCLAW_TEST_LEAK;
    }
  });
});
