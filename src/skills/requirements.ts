import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SkillRequirements } from './manifest.js';

/** Whether a skill can work here, and if not, every reason why (shown by `skill list` and `skill check`). */
export interface Availability {
  available: boolean;
  missing: string[];
}

export interface RequirementContext {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

const OS_ALIASES: Record<string, string> = { macos: 'darwin', mac: 'darwin', osx: 'darwin', windows: 'win32', win: 'win32' };

/** OpenClaw's gating: a skill whose binaries, variables or OS are missing is not offered to the model. */
export function checkRequirements(requirements: SkillRequirements, context: RequirementContext = {}): Availability {
  const env = context.env ?? process.env;
  const platform = context.platform ?? process.platform;
  const missing: string[] = [];
  if (requirements.os.length > 0 && !requirements.os.some((os) => (OS_ALIASES[os.toLowerCase()] ?? os.toLowerCase()) === platform)) {
    missing.push(`runs only on ${requirements.os.join(', ')} (this is ${platform})`);
  }
  const path = env.PATH ?? '';
  for (const bin of requirements.bins) {
    if (!onPath(bin, path)) missing.push(`needs \`${bin}\` on PATH`);
  }
  if (requirements.anyBins.length > 0 && !requirements.anyBins.some((bin) => onPath(bin, path))) {
    missing.push(`needs one of ${requirements.anyBins.map((bin) => `\`${bin}\``).join(', ')} on PATH`);
  }
  for (const name of requirements.env) {
    if (!env[name]) missing.push(`needs $${name} set`);
  }
  return { available: missing.length === 0, missing };
}

function onPath(bin: string, path: string): boolean {
  if (bin.includes('/')) return isExecutable(bin);
  return path.split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, bin)));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
