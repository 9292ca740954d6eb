import { discoverSkills } from '../../skills/discovery.js';
import { printJson, table } from '../output.js';
import { displayPath, formatProblem } from './skill-view.js';

/** `skill check`: the requirements of every skill found (shadowed ones too), and the SKILL.md files that could not be read. */
export default async function skillCheck(options: { json?: boolean }): Promise<void> {
  const catalog = discoverSkills({ cwd: process.cwd() });
  const skills = [...catalog.skills, ...catalog.shadowed.map(({ skill }) => skill)];
  if (options.json) {
    printJson({
      skills: skills.map((skill) => ({
        name: skill.name,
        location: skill.dir,
        available: skill.availability.available,
        missing: skill.availability.missing,
        requires: skill.manifest.requirements,
        warnings: skill.warnings,
      })),
      skipped: catalog.problems,
    });
    return;
  }
  const rows = skills.map((skill) => {
    const { bins, anyBins, env, os } = skill.manifest.requirements;
    const needs = [
      ...bins.map((bin) => `bin ${bin}`),
      ...(anyBins.length > 0 ? [`one of ${anyBins.join('|')}`] : []),
      ...env.map((name) => `$${name}`),
      ...(os.length > 0 ? [`os ${os.join('|')}`] : []),
    ];
    const status = skill.availability.available ? 'ok' : `missing: ${skill.availability.missing.join('; ')}`;
    return [skill.name, needs.join(', ') || '-', status, displayPath(skill.dir)];
  });
  if (rows.length > 0) process.stdout.write(`${table(rows, ['NAME', 'NEEDS', 'STATUS', 'LOCATION'])}\n`);
  for (const problem of catalog.problems) process.stdout.write(`skipped ${formatProblem(problem)}\n`);
  const unavailable = skills.filter((skill) => !skill.availability.available).length;
  process.stdout.write(`\n${skills.length - unavailable} available, ${unavailable} unavailable, ${catalog.problems.length} skipped\n`);
}
