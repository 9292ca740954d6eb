import { discoverSkills, userSkillsDir, type Skill } from '../../skills/discovery.js';
import { readSkillLock } from '../../skills/lock.js';
import { openclawHome } from '../../store/paths.js';
import { printJson, table, warn } from '../output.js';
import { displayPath, formatProblem, shorten } from './skill-view.js';

/** `skill list`: every skill the agent could use here, with where it comes from and whether it can work. */
export default async function skillList(options: { json?: boolean }): Promise<void> {
  const home = openclawHome();
  const catalog = discoverSkills({ cwd: process.cwd(), home });
  const installed = readSkillLock(userSkillsDir(home)).skills;
  const record = (skill: Skill) => (skill.scope === 'user' ? installed[skill.dir.slice(userSkillsDir(home).length + 1)] : undefined);
  if (options.json) {
    printJson({
      skills: catalog.skills.map((skill) => {
        const entry = record(skill);
        return {
          name: skill.name,
          description: skill.description,
          scope: skill.scope,
          location: skill.dir,
          file: skill.file,
          available: skill.availability.available,
          missing: skill.availability.missing,
          userInvocable: skill.manifest.userInvocable,
          modelInvocable: !skill.manifest.disableModelInvocation,
          warnings: skill.warnings,
          ...(entry ? { installed: { source: entry.source, kind: entry.kind, ref: entry.ref, commit: entry.commit, version: entry.version, installedAt: entry.installedAt } } : {}),
        };
      }),
      shadowed: catalog.shadowed.map(({ skill, by }) => ({ name: skill.name, scope: skill.scope, location: skill.dir, by: { scope: by.scope, location: by.dir } })),
      skipped: catalog.problems,
    });
    return;
  }
  for (const skill of catalog.skills) {
    for (const warning of skill.warnings) warn(`${displayPath(skill.file)}: ${warning}`);
  }
  if (catalog.skills.length === 0) {
    process.stdout.write(
      `No skills found. Install one with \`openclaw skill install <source>\`, or create one with \`openclaw skill new <name>\`.\nSearched: ${catalog.roots.map((root) => displayPath(root.dir)).join(', ')}\n`,
    );
  } else {
    const rows = catalog.skills.map((skill) => [
      skill.name,
      skill.scope,
      skill.availability.available ? 'available' : `unavailable: ${skill.availability.missing.join('; ')}`,
      shorten(skill.description, 56),
      displayPath(skill.dir),
    ]);
    process.stdout.write(`${table(rows, ['NAME', 'SOURCE', 'STATUS', 'DESCRIPTION', 'LOCATION'])}\n`);
  }
  if (catalog.shadowed.length > 0) {
    process.stdout.write('\nShadowed (a skill of the same name in a folder of higher precedence wins):\n');
    for (const { skill, by } of catalog.shadowed) {
      process.stdout.write(`  ${skill.name} in ${displayPath(skill.dir)} (${skill.scope}) is hidden by ${displayPath(by.dir)} (${by.scope})\n`);
    }
  }
  if (catalog.problems.length > 0) {
    process.stdout.write('\nSkipped (fix the SKILL.md to use them):\n');
    for (const problem of catalog.problems) process.stdout.write(`  ${formatProblem(problem)}\n`);
  }
}
