import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where everything openclaw keeps lives: `$OPENCLAW_HOME`, by default `~/.openclaw`. */
export function openclawHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.OPENCLAW_HOME?.trim();
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.openclaw');
}

export interface StorePaths {
  home: string;
  config: string;
  sessions: string;
  sessionIndex: string;
  memory: string;
  logs: string;
}

export function storePaths(home: string = openclawHome()): StorePaths {
  return {
    home,
    config: join(home, 'config.json'),
    sessions: join(home, 'sessions'),
    sessionIndex: join(home, 'sessions', 'index.json'),
    memory: join(home, 'memory'),
    logs: join(home, 'logs'),
  };
}

/** Creates a store directory private to the user (0700): transcripts hold what the agent saw. */
export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return path;
}
