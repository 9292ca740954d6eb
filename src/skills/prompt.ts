import { basename, dirname } from 'node:path';
import type { Skill } from './discovery.js';

export interface SkillIndexOptions {
  /** Upper bound of the whole section in bytes (UTF-8). */
  maxBytes?: number;
  /** Descriptions are cut to this many characters before any further shortening. */
  maxDescription?: number;
}

const DEFAULT_MAX_BYTES = 2048;
const DEFAULT_MAX_DESCRIPTION = 160;
const MIN_DESCRIPTION = 40;

/**
 * The skills section of the system prompt: what each available skill is for and where its
 * SKILL.md is, nothing more. The model reads a SKILL.md when a task matches; the index itself is
 * paid for on every request, so it is bounded: descriptions shrink first, then skills are left
 * out with a count. Returns '' when no skill is offered to the model.
 */
export function renderSkillIndex(skills: readonly Skill[], options: SkillIndexOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const offered = skills.filter((skill) => skill.availability.available && !skill.manifest.disableModelInvocation);
  if (offered.length === 0) return '';

  for (let limit = options.maxDescription ?? DEFAULT_MAX_DESCRIPTION; limit >= MIN_DESCRIPTION; limit = Math.floor(limit * 0.8)) {
    const text = render(offered, limit, []);
    if (byteLength(text) <= maxBytes) return text;
  }
  for (let omitted = 1; omitted < offered.length; omitted++) {
    const text = render(offered.slice(0, offered.length - omitted), MIN_DESCRIPTION, offered.slice(offered.length - omitted));
    if (byteLength(text) <= maxBytes) return text;
  }
  return render([], MIN_DESCRIPTION, offered);
}

const HEADER =
  '# Skills\nWhen a task matches a skill below, first read its SKILL.md (<folder>/<skill>/SKILL.md) with the read tool, then follow it; paths in it are relative to the skill\'s folder.';

function render(skills: readonly Skill[], descriptionLimit: number, omitted: readonly Skill[]): string {
  const lines = [HEADER];
  let folder: string | undefined;
  for (const skill of skills.toSorted((a, b) => byText(dirname(a.dir), dirname(b.dir)) || byText(a.name, b.name))) {
    if (dirname(skill.dir) !== folder) {
      folder = dirname(skill.dir);
      lines.push(`In ${folder}/:`);
    }
    const dir = basename(skill.dir);
    const label = dir === skill.name ? skill.name : `${skill.name} (${dir}/)`;
    lines.push(`- ${label}: ${shorten(oneLine(skill.description), descriptionLimit)}`);
  }
  if (omitted.length > 0) {
    const folders = [...new Set(omitted.map((skill) => `${dirname(skill.dir)}/`))].join(', ');
    lines.push(`(${omitted.length} more skill${omitted.length === 1 ? '' : 's'} in ${folders}, not listed for space.)`);
  }
  return lines.join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shorten(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1).trimEnd()}…`;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
