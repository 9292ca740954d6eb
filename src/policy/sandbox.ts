import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ExitCode, OpenclawError } from '../errors.js';
import type { SandboxMode } from '../store/config-schema.js';
import type { CommandSandbox } from '../tools/types.js';
import { realPath, storeWorkspace } from './policy.js';

/** Credentials a sandboxed command never sees, even read-only (relative to the home directory). */
const HIDDEN_IN_HOME = ['.ssh', '.aws', '.gnupg', '.config/gcloud', '.kube', '.docker', '.netrc', '.npmrc', '.pypirc', '.git-credentials'];

export interface SandboxOptions {
  mode: SandboxMode;
  workspace: string;
  /** `$OPENCLAW_HOME`: hidden from commands like the credentials above. */
  storeHome: string;
  /** `--allow 'network(*)'`: keep the host's network. */
  network: boolean;
  /** Told once when `auto` finds no working bubblewrap. */
  notify?: (message: string) => void;
  home?: string;
}

/**
 * Shell commands in bubblewrap: the root file system read-only, the workspace writable, a
 * private /tmp, credentials and the store hidden, no network unless allowed, and the whole tree
 * killed with its parent. `auto` uses it when bwrap works here and says once when it cannot;
 * `bwrap` refuses to run commands without it.
 */
export class BubblewrapSandbox implements CommandSandbox {
  private available: Promise<string | undefined> | undefined;
  private warned = false;

  constructor(private readonly options: SandboxOptions) {}

  /** For `--sandbox bwrap`: fail before the first model call when bwrap is not installed. */
  static assertInstalled(): void {
    if (!findOnPath('bwrap')) {
      throw new OpenclawError('sandbox_unavailable', '--sandbox bwrap needs bubblewrap, and `bwrap` is not on PATH', {
        exitCode: ExitCode.usage,
        hint: 'Install it (Debian/Ubuntu: apt-get install bubblewrap), or use --sandbox auto to run unsandboxed when it is missing.',
      });
    }
  }

  async wrap(argv: string[], cwd: string): Promise<{ file: string; args: string[] } | undefined> {
    const problem = await (this.available ??= bubblewrapProblem());
    if (problem) {
      if (this.options.mode === 'bwrap') {
        throw new OpenclawError('sandbox_unavailable', `the bwrap sandbox does not work here: ${problem}`, { exitCode: ExitCode.usage });
      }
      if (!this.warned) {
        this.warned = true;
        this.options.notify?.(`sandbox: bubblewrap is not usable here (${problem}); shell commands run unsandboxed`);
      }
      return undefined;
    }
    return { file: 'bwrap', args: [...this.arguments(cwd), '--', ...argv] };
  }

  private arguments(cwd: string): string[] {
    const workspace = realPath(this.options.workspace);
    const home = this.options.home ?? homedir();
    // Order matters: later mounts cover earlier ones. The workspace comes after /tmp so a workspace
    // under /tmp stays visible; the hidden paths come last so they stay hidden inside the workspace.
    const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--bind', workspace, workspace];
    for (const path of [this.options.storeHome, ...HIDDEN_IN_HOME.map((name) => join(home, name))]) {
      const real = realPath(path);
      if (!existsSync(real)) continue;
      args.push(...(statSync(real).isDirectory() ? ['--tmpfs', real] : ['--ro-bind', '/dev/null', real]));
    }
    // A gateway session works in the store's workspace/: it stays visible under the hidden store.
    if (workspace === realPath(storeWorkspace(this.options.storeHome))) args.push('--bind', workspace, workspace);
    if (!this.options.network) args.push('--unshare-net');
    args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session', '--chdir', realPath(cwd));
    return args;
  }
}

/** Why bwrap cannot run here, or undefined when it can. */
export async function bubblewrapProblem(): Promise<string | undefined> {
  if (!findOnPath('bwrap')) return 'bwrap is not installed';
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-net', '--unshare-pid', '--die-with-parent', 'true'], { timeout: 5000 }, (error, _stdout, stderr) => {
      resolve(error ? (String(stderr).trim().split('\n')[0] || error.message) : undefined);
    });
  });
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}
