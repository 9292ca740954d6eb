import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLED_SKILLS_DIR, discoverSkills, loadSkill, readSkillBody, skillRoots, type Skill, type SkillRoot } from '../../src/skills/discovery.js';
import { expandSkillInvocation } from '../../src/skills/invocation.js';
import { renderSkillIndex } from '../../src/skills/prompt.js';
import { checkRequirements } from '../../src/skills/requirements.js';
import { loadSessionSkills, skillForFile } from '../../src/skills/session.js';
import { tempDir } from '../helpers/cli.js';

let root: ReturnType<typeof tempDir>;
beforeEach(() => {
  root = tempDir('openclaw-skills-');
});
afterEach(() => root.cleanup());

function writeSkill(dir: string, frontmatter: string, body = '# Skill\n'): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'SKILL.md'), `---\n${frontmatter}\n---\n${body}`);
  return dir;
}

function roots(...scopes: Array<SkillRoot['scope']>): SkillRoot[] {
  return scopes.map((scope) => ({ scope, dir: join(root.path, scope) }));
}

const noBundled = () => roots('project', 'agents', 'user');

describe('discovery', () => {
  it('finds skills in every root, highest precedence first, in the documented order', () => {
    const cwd = join(root.path, 'work');
    expect(skillRoots(cwd, join(root.path, 'home')).map((entry) => entry.dir)).toEqual([
      join(cwd, '.openclaw', 'skills'),
      join(cwd, '.agents', 'skills'),
      join(root.path, 'home', 'skills'),
      BUNDLED_SKILLS_DIR,
    ]);
  });

  it('resolves a name collision by precedence and reports the skill it hides', () => {
    writeSkill(join(root.path, 'user', 'deploy'), 'name: deploy\ndescription: user version');
    writeSkill(join(root.path, 'project', 'deploy'), 'name: deploy\ndescription: project version');
    writeSkill(join(root.path, 'agents', 'deploy'), 'name: deploy\ndescription: agents version');
    const catalog = discoverSkills({ roots: noBundled() });
    expect(catalog.skills.map((skill) => [skill.name, skill.scope, skill.description])).toEqual([['deploy', 'project', 'project version']]);
    expect(catalog.shadowed.map(({ skill, by }) => [skill.scope, by.scope])).toEqual([
      ['agents', 'project'],
      ['user', 'project'],
    ]);
  });

  it('collides by skill name, not folder name', () => {
    writeSkill(join(root.path, 'project', 'one'), 'name: same\ndescription: a');
    writeSkill(join(root.path, 'user', 'two'), 'name: same\ndescription: b');
    const catalog = discoverSkills({ roots: noBundled() });
    expect(catalog.skills).toHaveLength(1);
    expect(catalog.shadowed[0].skill.dir).toBe(join(root.path, 'user', 'two'));
  });

  it('reports skipped SKILL.md files and keeps the rest', () => {
    writeSkill(join(root.path, 'user', 'good'), 'name: good\ndescription: fine');
    writeSkill(join(root.path, 'user', 'bad'), 'name: bad\ndescription: [unclosed');
    mkdirSync(join(root.path, 'user', 'plain'), { recursive: true });
    writeFileSync(join(root.path, 'user', 'plain', 'SKILL.md'), 'no frontmatter\n');
    const catalog = discoverSkills({ roots: noBundled() });
    expect(catalog.skills.map((skill) => skill.name)).toEqual(['good']);
    expect(catalog.problems.map((problem) => problem.file).sort()).toEqual([join(root.path, 'user', 'bad', 'SKILL.md'), join(root.path, 'user', 'plain', 'SKILL.md')]);
  });

  it('skips a SKILL.md over 1 MiB without parsing it', () => {
    writeSkill(join(root.path, 'user', 'huge'), 'name: huge\ndescription: x', 'x'.repeat(1024 * 1024 + 1));
    const catalog = discoverSkills({ roots: noBundled() });
    expect(catalog.skills).toEqual([]);
    expect(catalog.problems[0].message).toContain('over 1024 KiB');
  });

  it('ignores hidden folders, folders without SKILL.md and missing roots', () => {
    writeSkill(join(root.path, 'user', '.staging-x', 'skill'), 'name: hidden\ndescription: no');
    writeSkill(join(root.path, 'user', '.hidden'), 'name: hidden\ndescription: no');
    mkdirSync(join(root.path, 'user', 'notes'), { recursive: true });
    expect(discoverSkills({ roots: noBundled() }).skills).toEqual([]);
  });

  it('reads a lower-case skill.md', () => {
    mkdirSync(join(root.path, 'user', 'lower'), { recursive: true });
    writeFileSync(join(root.path, 'user', 'lower', 'skill.md'), '---\nname: lower\ndescription: x\n---\n');
    expect(discoverSkills({ roots: noBundled() }).skills.map((skill) => skill.name)).toEqual(['lower']);
  });

  it('resolves {baseDir} in the body to the skill folder', () => {
    const dir = writeSkill(join(root.path, 'user', 'tool'), 'name: tool\ndescription: x', 'Run {baseDir}/scripts/run.sh, then {baseDir}/x.\n');
    const loaded = loadSkill(dir, 'user');
    if (!('skill' in loaded)) throw new Error('not loaded');
    expect(readSkillBody(loaded.skill)).toBe(`Run ${dir}/scripts/run.sh, then ${dir}/x.\n`);
  });
});

describe('gating', () => {
  const requirements = (partial: Partial<Skill['manifest']['requirements']>) => ({ bins: [], anyBins: [], env: [], os: [], ...partial });

  it('is available when a required binary is on PATH', () => {
    const bin = join(root.path, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'mytool'), '#!/bin/sh\n');
    chmodSync(join(bin, 'mytool'), 0o755);
    expect(checkRequirements(requirements({ bins: ['mytool'] }), { env: { PATH: bin } })).toEqual({ available: true, missing: [] });
  });

  it('says which binary is missing, ignoring files that are not executable', () => {
    const bin = join(root.path, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'mytool'), 'not executable');
    expect(checkRequirements(requirements({ bins: ['mytool', 'other'] }), { env: { PATH: bin } }).missing).toEqual(['needs `mytool` on PATH', 'needs `other` on PATH']);
  });

  it('needs only one of anyBins', () => {
    const bin = join(root.path, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'b'), '');
    chmodSync(join(bin, 'b'), 0o755);
    expect(checkRequirements(requirements({ anyBins: ['a', 'b'] }), { env: { PATH: bin } }).available).toBe(true);
    expect(checkRequirements(requirements({ anyBins: ['a', 'c'] }), { env: { PATH: bin } }).missing).toEqual(['needs one of `a`, `c` on PATH']);
  });

  it('needs environment variables set and non-empty', () => {
    const needs = requirements({ env: ['API_TOKEN'] });
    expect(checkRequirements(needs, { env: { API_TOKEN: 'x' } }).available).toBe(true);
    expect(checkRequirements(needs, { env: { API_TOKEN: '' } }).missing).toEqual(['needs $API_TOKEN set']);
  });

  it('matches the operating system, with common aliases', () => {
    expect(checkRequirements(requirements({ os: ['darwin', 'linux'] }), { platform: 'linux', env: {} }).available).toBe(true);
    expect(checkRequirements(requirements({ os: ['macos'] }), { platform: 'darwin', env: {} }).available).toBe(true);
    expect(checkRequirements(requirements({ os: ['darwin'] }), { platform: 'linux', env: {} }).missing).toEqual(['runs only on darwin (this is linux)']);
  });

  it('marks a discovered skill unavailable with the reason', () => {
    writeSkill(join(root.path, 'user', 'tmuxish'), 'name: tmuxish\ndescription: x\nmetadata: {"openclaw": {"requires": {"bins": ["definitely-not-installed-xyz"]}}}');
    const [skill] = discoverSkills({ roots: noBundled() }).skills;
    expect(skill.availability).toEqual({ available: false, missing: ['needs `definitely-not-installed-xyz` on PATH'] });
  });
});

function skill(name: string, description: string, dir = `/skills/${name}`, extra: Partial<Skill> = {}): Skill {
  return {
    name,
    description,
    dir,
    file: `${dir}/SKILL.md`,
    scope: 'user',
    warnings: [],
    availability: { available: true, missing: [] },
    manifest: {
      name,
      description,
      metadata: {},
      allowedTools: [],
      userInvocable: true,
      disableModelInvocation: false,
      requirements: { bins: [], anyBins: [], env: [], os: [] },
    },
    ...extra,
  };
}

describe('the system prompt index', () => {
  it('lists name, description and where the SKILL.md is, grouped by folder', () => {
    const text = renderSkillIndex([skill('pdf', 'Work with PDFs.', '/home/u/.openclaw/skills/pdf'), skill('review', 'Review diffs.', '/proj/.openclaw/skills/review-x')]);
    expect(text).toContain('SKILL.md');
    expect(text).toContain('In /home/u/.openclaw/skills/:\n- pdf: Work with PDFs.');
    expect(text).toContain('In /proj/.openclaw/skills/:\n- review (review-x/): Review diffs.');
  });

  it('leaves out unavailable skills and those the model may not invoke', () => {
    const hidden = skill('manual', 'Only by hand.');
    hidden.manifest.disableModelInvocation = true;
    const text = renderSkillIndex([skill('a', 'A.'), skill('b', 'B.', '/skills/b', { availability: { available: false, missing: ['x'] } }), hidden]);
    expect(text).toContain('- a: A.');
    expect(text).not.toContain('- b');
    expect(text).not.toContain('manual');
  });

  it('is empty when no skill is offered', () => {
    expect(renderSkillIndex([])).toBe('');
  });

  it('shortens long descriptions', () => {
    const text = renderSkillIndex([skill('long', `${'word '.repeat(400)}end`)]);
    expect(text).toContain('…');
    expect(text).not.toContain('end');
    expect(Buffer.byteLength(text)).toBeLessThan(600);
  });

  it('stays within its byte budget with many skills, saying how many it left out', () => {
    const many = Array.from({ length: 80 }, (_, index) => skill(`skill-${String(index).padStart(2, '0')}`, `Does task number ${index} very thoroughly. `.repeat(8)));
    const text = renderSkillIndex(many, { maxBytes: 2048 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    const listed = text.split('\n').filter((line) => line.startsWith('- ')).length;
    expect(listed).toBeGreaterThan(5);
    expect(text).toContain(`(${80 - listed} more skills in /skills/, not listed for space.)`);
  });
});

describe('/name invocation', () => {
  function installed(frontmatter: string, body: string): Skill[] {
    writeSkill(join(root.path, 'user', 'greet'), frontmatter, body);
    return discoverSkills({ roots: noBundled() }).skills;
  }

  it('turns /name args into the skill body followed by the request', () => {
    const skills = installed('name: greet\ndescription: Greets.', 'Say hello using {baseDir}/names.txt.\n');
    const invocation = expandSkillInvocation('/greet the whole team', skills);
    expect(invocation?.skill.name).toBe('greet');
    expect(invocation?.args).toBe('the whole team');
    expect(invocation?.message).toContain(`Say hello using ${join(root.path, 'user', 'greet')}/names.txt.`);
    expect(invocation?.message.endsWith('Request: the whole team')).toBe(true);
  });

  it('puts the arguments where the body says $ARGUMENTS', () => {
    const skills = installed('name: greet\ndescription: Greets.', 'Greet $ARGUMENTS warmly.\n');
    const message = expandSkillInvocation('/greet Ada', skills)!.message;
    expect(message).toContain('Greet Ada warmly.');
    expect(message).not.toContain('Request:');
  });

  it('works without arguments', () => {
    const skills = installed('name: greet\ndescription: Greets.', 'Hello.\n');
    expect(expandSkillInvocation('/greet', skills)?.args).toBe('');
  });

  it('returns undefined for plain text, unknown names and skills that are not user-invocable', () => {
    const skills = installed('name: greet\ndescription: Greets.\nuser-invocable: false', 'Hello.\n');
    expect(expandSkillInvocation('hello /greet', skills)).toBeUndefined();
    expect(expandSkillInvocation('/unknown x', skills)).toBeUndefined();
    expect(expandSkillInvocation('/greet x', skills)).toBeUndefined();
  });

  it('refuses a skill whose requirements are missing, saying which', () => {
    const skills = installed('name: greet\ndescription: Greets.\nmetadata: {"openclaw": {"requires": {"env": ["GREET_TOKEN_XYZ"]}}}', 'Hello.\n');
    expect(() => expandSkillInvocation('/greet', skills)).toThrow(/GREET_TOKEN_XYZ/);
  });
});

describe('session integration', () => {
  it('gives the prompt index and the folders the read tool may enter, for available skills only', () => {
    const ready = writeSkill(join(root.path, 'user', 'ready'), 'name: ready\ndescription: Works here.');
    writeSkill(join(root.path, 'user', 'blocked'), 'name: blocked\ndescription: Does not.\nmetadata: {"openclaw": {"os": ["plan9"]}}');
    const session = loadSessionSkills({ roots: noBundled() });
    expect(session.index).toContain('- ready: Works here.');
    expect(session.index).not.toContain('blocked');
    expect(session.readRoots).toEqual([ready]);
  });

  it('recognises a skill from its SKILL.md path, through a linked folder too', () => {
    const dir = writeSkill(join(root.path, 'real', 'linked'), 'name: linked\ndescription: x');
    mkdirSync(join(root.path, 'user'));
    symlinkSync(dir, join(root.path, 'user', 'linked'));
    const { catalog } = loadSessionSkills({ roots: noBundled() });
    expect(skillForFile(catalog.skills, join(dir, 'SKILL.md'))?.name).toBe('linked');
    expect(skillForFile(catalog.skills, join(root.path, 'user', 'linked', 'SKILL.md'))?.name).toBe('linked');
    expect(skillForFile(catalog.skills, join(dir, 'other.md'))).toBeUndefined();
  });
});

describe('bundled skills', () => {
  const folders = readdirSync(BUNDLED_SKILLS_DIR);

  it('ships a few', () => {
    expect(folders.length).toBeGreaterThanOrEqual(2);
  });

  it.each(folders)('%s is valid by the spec: loads without warnings, needs nothing, fits the prompt index uncut', (folder) => {
    const loaded = loadSkill(join(BUNDLED_SKILLS_DIR, folder), 'bundled');
    if (!('skill' in loaded)) throw new Error(loaded.problem.message);
    expect(loaded.skill.warnings).toEqual([]);
    expect(loaded.skill.name).toBe(folder);
    expect(loaded.skill.availability.available).toBe(true);
    expect(loaded.skill.description.length).toBeLessThanOrEqual(160);
    expect(readSkillBody(loaded.skill).split('\n').length).toBeLessThan(500);
  });
});
