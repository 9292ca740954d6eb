import { ExitCode, OpenclawError } from '../../errors.js';
import { allowedToolRules } from '../../skills/allowed-tools.js';
import { skillContents } from '../../skills/contents.js';
import { discoverSkills, userSkillsDir } from '../../skills/discovery.js';
import { readSkillLock } from '../../skills/lock.js';
import { openclawHome } from '../../store/paths.js';
import { printJson } from '../output.js';
import { displayPath } from './skill-view.js';

/** `skill info <name>`: everything about one skill, including the scripts it could ask the agent to run. */
export default async function skillInfo(name: string, options: { json?: boolean }): Promise<void> {
  const home = openclawHome();
  const catalog = discoverSkills({ cwd: process.cwd(), home });
  const all = [...catalog.skills, ...catalog.shadowed.map(({ skill }) => skill)];
  const skill = all.find((candidate) => candidate.name === name) ?? all.find((candidate) => candidate.dir.split('/').pop() === name);
  if (!skill) {
    const broken = catalog.problems.find((problem) => problem.file.split('/').slice(-2, -1)[0] === name);
    throw new OpenclawError('skill_not_found', broken ? `skill ${name} was skipped: ${broken.message}` : `no skill named ${name}`, {
      exitCode: ExitCode.usage,
      hint: broken ? `Fix ${broken.file}${broken.line ? ` (line ${broken.line})` : ''}.` : '`openclaw skill list` shows the skills available here.',
    });
  }
  const shadowedBy = catalog.shadowed.find((entry) => entry.skill === skill)?.by;
  const skillsDir = userSkillsDir(home);
  const installed = skill.scope === 'user' ? readSkillLock(skillsDir).skills[skill.dir.slice(skillsDir.length + 1)] : undefined;
  const { files, scripts } = skillContents(skill.dir);
  const tools = allowedToolRules(skill.manifest.allowedTools);
  const { manifest } = skill;

  if (options.json) {
    printJson({
      name: skill.name,
      description: skill.description,
      scope: skill.scope,
      location: skill.dir,
      file: skill.file,
      available: skill.availability.available,
      missing: skill.availability.missing,
      license: manifest.license,
      compatibility: manifest.compatibility,
      allowedTools: manifest.allowedTools,
      allowedToolRules: tools.rules,
      userInvocable: manifest.userInvocable,
      modelInvocable: !manifest.disableModelInvocation,
      requires: manifest.requirements,
      metadata: manifest.metadata,
      warnings: skill.warnings,
      shadowedBy: shadowedBy?.dir,
      installed,
      files,
      scripts,
    });
    return;
  }
  const lines: Array<[string, string | undefined]> = [
    ['name', skill.name],
    ['description', skill.description.replace(/\s+/g, ' ')],
    ['location', `${displayPath(skill.dir)} (${skill.scope})${shadowedBy ? `, hidden by ${displayPath(shadowedBy.dir)}` : ''}`],
    ['status', skill.availability.available ? 'available' : `unavailable: ${skill.availability.missing.join('; ')}`],
    ['license', manifest.license],
    ['compatibility', manifest.compatibility],
    ['allowed tools', manifest.allowedTools.length > 0 ? `${manifest.allowedTools.join(' ')}${tools.rules.length > 0 ? ` (as rules: ${tools.rules.join(', ')})` : ''}` : undefined],
    ['invocation', [manifest.userInvocable ? `/${skill.name} by the user` : undefined, manifest.disableModelInvocation ? undefined : 'by the model'].filter(Boolean).join(', ') || 'none'],
    ['installed from', installed ? [installed.source, installed.ref && `ref ${installed.ref}`, installed.commit && `commit ${installed.commit.slice(0, 12)}`, installed.version && `version ${installed.version}`].filter(Boolean).join(', ') : undefined],
    ['installed at', installed?.installedAt],
    ['sha256', installed?.sha256],
    ['files', String(files.length)],
  ];
  const width = Math.max(...lines.map(([label]) => label.length)) + 2;
  let text = lines
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`)
    .join('\n');
  text += scripts.length > 0 ? `\nscripts it may ask to run (${scripts.length}):\n${scripts.map((path) => `  ${path}`).join('\n')}` : '\nscripts: none';
  if (skill.warnings.length > 0) text += `\nwarnings:\n${skill.warnings.map((warning) => `  ${warning}`).join('\n')}`;
  process.stdout.write(`${text}\n`);
}
