import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { discoverSkills, type DiscoverOptions, type Skill, type SkillCatalog } from './discovery.js';
import { renderSkillIndex } from './prompt.js';

/** What a chat session needs from skills, discovered once when it starts. */
export interface SessionSkills {
  catalog: SkillCatalog;
  /** The system prompt's skills section; '' when no skill is offered to the model. */
  index: string;
  /** Folders the read tool may read even outside the workspace: those of the available skills. */
  readRoots: string[];
}

export function loadSessionSkills(options: DiscoverOptions & { maxIndexBytes?: number } = {}): SessionSkills {
  const catalog = discoverSkills(options);
  return { catalog, index: renderSkillIndex(catalog.skills, { maxBytes: options.maxIndexBytes }), readRoots: skillReadRoots(catalog.skills) };
}

/** The folders of the available skills, and their real paths where links make those differ (file tools compare real paths). */
export function skillReadRoots(skills: readonly Skill[]): string[] {
  const roots = new Set<string>();
  for (const skill of skills) {
    if (!skill.availability.available) continue;
    roots.add(skill.dir);
    try {
      roots.add(realpathSync(skill.dir));
    } catch {
      // gone since discovery: nothing more to allow
    }
  }
  return [...roots];
}

/**
 * The skill whose SKILL.md this is, if any: reading it is how the model activates a skill, the
 * moment its allowed-tools start to apply.
 */
export function skillForFile(skills: readonly Skill[], path: string): Skill | undefined {
  const absolute = resolve(path);
  let real = absolute;
  try {
    real = realpathSync(absolute);
  } catch {
    // compare as given
  }
  return skills.find((skill) => skill.file === absolute || skill.file === real || safeRealpath(skill.file) === real);
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
