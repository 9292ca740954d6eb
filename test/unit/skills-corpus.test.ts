import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { allowedToolRules } from '../../src/skills/allowed-tools.js';
import { discoverSkills, loadSkill, readSkillBody } from '../../src/skills/discovery.js';
import { installSkill } from '../../src/skills/install/install.js';
import { hashSkillFolder } from '../../src/skills/install/tree.js';
import { tempDir } from '../helpers/cli.js';

/**
 * Real skills from public repositories. The small copies in test/fixtures always run; the full
 * corpus beside the repository runs too when it is there.
 */
const REPO = resolve(import.meta.dirname, '../..');
const FIXTURES = join(REPO, 'test/fixtures/skills/corpus');
const CORPUS = resolve(REPO, '../shared/corpus/skills');

function skillFolders(base: string): string[] {
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((repo) => repo.isDirectory())
    .flatMap((repo) => readdirSync(join(base, repo.name), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(base, repo.name, entry.name)))
    .filter((dir) => existsSync(join(dir, 'SKILL.md')))
    .sort();
}

const sets = [
  { label: 'fixtures', skills: skillFolders(FIXTURES) },
  { label: 'corpus', skills: skillFolders(CORPUS) },
].filter((set) => set.skills.length > 0);

/** What the spec's client guide says to warn about, computed from the frontmatter independently. */
function expectedWarnings(dir: string): RegExp[] {
  const text = readFileSync(join(dir, 'SKILL.md'), 'utf8').replace(/\r\n/g, '\n');
  const frontmatter = parseYaml(text.split('\n---\n')[0].replace(/^---\n/, '')) as { name: string; description: string };
  const expected: RegExp[] = [];
  if (frontmatter.description.trim().length > 1024) expected.push(/^description is \d+ characters long/);
  if (frontmatter.name !== basename(dir)) expected.push(new RegExp(`^name "${frontmatter.name}" does not match its folder "${basename(dir)}"$`));
  return expected;
}

describe.each(sets)('real skills ($label)', ({ skills }) => {
  let home: ReturnType<typeof tempDir>;
  beforeAll(() => {
    home = tempDir('openclaw-corpus-');
  });
  afterAll(() => home.cleanup());

  it('has the fixture cases the parser must handle', () => {
    expect(skills.length).toBeGreaterThanOrEqual(4);
  });

  it.each(skills.map((dir) => [dir.split('/').slice(-2).join('/'), dir]))('%s loads with the warnings the spec calls for', (_label, dir) => {
    const loaded = loadSkill(dir, 'user');
    if (!('skill' in loaded)) throw new Error(`${loaded.problem.file}:${loaded.problem.line} ${loaded.problem.message}`);
    const expected = expectedWarnings(dir);
    expect(loaded.skill.warnings).toHaveLength(expected.length);
    for (const pattern of expected) expect(loaded.skill.warnings.some((warning) => pattern.test(warning))).toBe(true);
    expect(loaded.skill.description).not.toMatch(/\r/);
    expect(readSkillBody(loaded.skill).length).toBeGreaterThan(0);
  });

  it.each(skills.map((dir) => [dir.split('/').slice(-2).join('/'), dir]))('%s installs byte for byte and is listed', async (_label, dir) => {
    const result = await installSkill(dir, { home: home.path, cwd: home.path });
    expect(hashSkillFolder(result.dir).files).toEqual(hashSkillFolder(dir).files);
    expect(result.entry.files).toEqual(hashSkillFolder(dir).files);
    const catalog = discoverSkills({ roots: [{ scope: 'user', dir: join(home.path, 'skills') }] });
    const listed = catalog.skills.find((skill) => skill.name === result.name);
    expect(listed?.dir).toBe(result.dir);
    // Installed under its own name, the folder now matches: only the length warning can remain.
    expect(listed?.warnings.filter((warning) => warning.includes('does not match'))).toEqual([]);
  });
});

describe('the fixture cases, one by one', () => {
  const load = (path: string) => {
    const loaded = loadSkill(join(FIXTURES, path), 'user');
    if (!('skill' in loaded)) throw new Error(loaded.problem.message);
    return loaded.skill;
  };

  it('reads the CRLF skill', () => {
    const skill = load('K-Dense-AI__claude-scientific-skills/geomaster');
    expect(skill.name).toBe('geomaster');
    expect(skill.manifest.license).toBe('MIT License');
    expect(skill.manifest.metadata).toEqual({ 'skill-author': 'K-Dense Inc.' });
  });

  it('reads the flow-mapping metadata with trailing commas as requirements', () => {
    const skill = load('npm__openclaw/tmux');
    expect(skill.manifest.requirements).toEqual({ bins: ['tmux'], anyBins: [], env: [], os: ['darwin', 'linux'] });
  });

  it('turns the allowed-tools string into rules', () => {
    const skill = load('github__awesome-copilot/make-repo-contribution');
    expect(skill.manifest.allowedTools).toEqual(['Read', 'Edit', 'Bash(git:*)', 'Bash(gh issue:*)', 'Bash(gh pr:*)']);
    expect(allowedToolRules(skill.manifest.allowedTools).rules).toEqual(['read', 'write', 'shell(git *)', 'shell(gh issue *)', 'shell(gh pr *)']);
  });

  it('loads the skill whose name differs from its folder under its own name', () => {
    const skill = load('vercel-labs__agent-skills/composition-patterns');
    expect(skill.name).toBe('vercel-composition-patterns');
    expect(skill.description).toMatch(/^React composition patterns that scale\. Use when refactoring/);
  });
});
