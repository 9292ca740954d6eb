import { describe, expect, it } from 'vitest';
import { allowedToolRules } from '../../src/skills/allowed-tools.js';
import { parseSkillFile, splitAllowedTools } from '../../src/skills/manifest.js';

const parse = (text: string, folder = 'demo') => parseSkillFile(text, '/skills/demo/SKILL.md', folder);

function ok(text: string, folder = 'demo') {
  const result = parse(text, folder);
  if (!result.ok) throw new Error(`expected a skill, got: ${result.problem.message}`);
  return result;
}

function problem(text: string) {
  const result = parse(text);
  if (result.ok) throw new Error('expected the skill to be skipped');
  return result.problem;
}

describe('SKILL.md frontmatter', () => {
  it('reads name, description, optional fields and the body', () => {
    const result = ok(
      '---\nname: demo\ndescription: Does a thing. Use when asked.\nlicense: MIT\ncompatibility: Needs git\nuser-invocable: false\ndisable-model-invocation: true\n---\n\n# Demo\nBody.\n',
    );
    expect(result.warnings).toEqual([]);
    expect(result.manifest).toMatchObject({
      name: 'demo',
      description: 'Does a thing. Use when asked.',
      license: 'MIT',
      compatibility: 'Needs git',
      userInvocable: false,
      disableModelInvocation: true,
    });
    expect(result.body).toBe('# Demo\nBody.\n');
  });

  it('defaults to invocable by the user and the model', () => {
    const { manifest } = ok('---\nname: demo\ndescription: x\n---\n');
    expect(manifest.userInvocable).toBe(true);
    expect(manifest.disableModelInvocation).toBe(false);
  });

  it('reads CRLF files like LF files', () => {
    const result = ok('---\r\nname: demo\r\ndescription: Windows line ends.\r\nmetadata:\r\n    author: x\r\n---\r\n# Title\r\nLine\r\n');
    expect(result.manifest.description).toBe('Windows line ends.');
    expect(result.manifest.metadata).toEqual({ author: 'x' });
    expect(result.body).toBe('# Title\nLine\n');
  });

  it('reads a JSON-style flow mapping with trailing commas as metadata', () => {
    const { manifest, warnings } = ok(
      '---\nname: demo\ndescription: x\nmetadata:\n  {\n    "openclaw":\n      {\n        "os": ["linux",],\n        "requires": { "bins": ["tmux"], "env": ["TOKEN",], },\n      },\n  }\n---\n',
    );
    expect(warnings).toEqual([]);
    expect(manifest.requirements).toEqual({ bins: ['tmux'], anyBins: [], env: ['TOKEN'], os: ['linux'] });
  });

  it('takes requirements from metadata.clawdbot too', () => {
    const { manifest } = ok('---\nname: demo\ndescription: x\nmetadata: {"clawdbot": {"requires": {"anyBins": ["rg", "grep"]}}}\n---\n');
    expect(manifest.requirements.anyBins).toEqual(['rg', 'grep']);
  });

  it('warns and loads when the name differs from its folder', () => {
    const result = ok('---\nname: vercel-demo\ndescription: x\n---\n', 'demo');
    expect(result.manifest.name).toBe('vercel-demo');
    expect(result.warnings).toEqual(['name "vercel-demo" does not match its folder "demo"']);
  });

  it('warns and loads when the description is longer than 1024 characters', () => {
    const result = ok(`---\nname: demo\ndescription: ${'a'.repeat(1500)}\n---\n`);
    expect(result.manifest.description).toHaveLength(1500);
    expect(result.warnings).toEqual([expect.stringContaining('description is 1500 characters long')]);
  });

  it('warns about a name that breaks the naming rules, and loads', () => {
    const result = ok('---\nname: Bad_Name\ndescription: x\n---\n', 'Bad_Name');
    expect(result.manifest.name).toBe('Bad_Name');
    expect(result.warnings).toEqual([expect.stringContaining('lowercase letters, digits and single hyphens')]);
  });

  it('uses the folder name when the name is missing, with a warning', () => {
    const result = ok('---\ndescription: x\n---\n', 'my-folder');
    expect(result.manifest.name).toBe('my-folder');
    expect(result.warnings).toEqual([expect.stringContaining('has no `name`')]);
  });

  it('skips a skill without a description, naming the file', () => {
    const found = problem('---\nname: demo\n---\nBody\n');
    expect(found.file).toBe('/skills/demo/SKILL.md');
    expect(found.message).toContain('no `description`');
  });

  it('skips a skill with an empty description, naming its line', () => {
    const found = problem('---\nname: demo\ndescription: ""\n---\n');
    expect(found.line).toBe(3);
    expect(found.message).toContain('empty');
  });

  it('skips a file with no frontmatter, at line 1', () => {
    const found = problem('# Just markdown\n\nNo frontmatter here.\n');
    expect(found).toMatchObject({ line: 1, message: expect.stringContaining('no YAML frontmatter') });
  });

  it('skips a frontmatter that is never closed', () => {
    expect(problem('---\nname: demo\ndescription: x\n').message).toContain('never closed');
  });

  it('skips unparseable YAML, naming the line in the file', () => {
    const found = problem('---\nname: demo\ndescription: x\nallowed-tools: [Read, Grep\nlicense: MIT\n---\n');
    expect(found.message).toContain('invalid YAML');
    expect(found.line).toBeGreaterThanOrEqual(4);
    expect(found.line).toBeLessThanOrEqual(6);
  });

  it('skips a frontmatter that is not a mapping', () => {
    expect(problem('---\n- a\n- b\n---\n').message).toContain('not a mapping');
  });

  it('reads an unquoted colon in a value as text, with a warning', () => {
    const result = ok('---\nname: demo\ndescription: Use when: the user asks\n---\n');
    expect(result.manifest.description).toBe('Use when: the user asks');
    expect(result.warnings).toEqual([expect.stringContaining('unquoted')]);
  });

  it('ignores fields of the wrong type with a warning', () => {
    const result = ok('---\nname: demo\ndescription: x\nuser-invocable: sometimes\nallowed-tools: 3\n---\n');
    expect(result.manifest.userInvocable).toBe(true);
    expect(result.manifest.allowedTools).toEqual([]);
    expect(result.warnings).toHaveLength(2);
  });

  it('accepts a byte-order mark', () => {
    expect(ok('\uFEFF---\nname: demo\ndescription: x\n---\n').manifest.name).toBe('demo');
  });
});

describe('allowed-tools', () => {
  it('splits a space-separated string, keeping spaces inside parentheses', () => {
    expect(splitAllowedTools('Read Edit Bash(git:*) Bash(gh issue:*)')).toEqual(['Read', 'Edit', 'Bash(git:*)', 'Bash(gh issue:*)']);
  });

  it('splits a comma-separated string', () => {
    expect(splitAllowedTools('Bash, Write, Read')).toEqual(['Bash', 'Write', 'Read']);
  });

  it('takes a YAML list as it is', () => {
    const { manifest } = ok('---\nname: demo\ndescription: x\nallowed-tools:\n  - Read\n  - Grep\n  - Glob\n---\n');
    expect(manifest.allowedTools).toEqual(['Read', 'Grep', 'Glob']);
  });

  it('maps Claude Code tools to openclaw rules', () => {
    expect(allowedToolRules(['Read', 'Edit', 'Bash(git:*)', 'Bash(gh issue:*)', 'Grep', 'Glob', 'Write'])).toEqual({
      rules: ['read', 'write', 'shell(git *)', 'shell(gh issue *)'],
      unsupported: [],
    });
  });

  it('keeps path patterns and openclaw rules', () => {
    expect(allowedToolRules(['Read(src/**)', 'shell(npm test)', 'write(docs/**)']).rules).toEqual(['read(src/**)', 'shell(npm test)', 'write(docs/**)']);
  });

  it('maps a bare Bash to a bare shell rule', () => {
    expect(allowedToolRules(['Bash']).rules).toEqual(['shell']);
  });

  it('reports tools it has no rule for', () => {
    expect(allowedToolRules(['WebSearch', 'mcp__github__create_issue', 'WebFetch(domain:example.com)', 'Read'])).toEqual({
      rules: ['read'],
      unsupported: ['WebSearch', 'mcp__github__create_issue', 'WebFetch(domain:example.com)'],
    });
  });
});
