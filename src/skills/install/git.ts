import { mkdirSync, rmSync } from 'node:fs';
import { OpenclawError } from '../../errors.js';

/**
 * A shallow clone through the `git` binary. Cloning runs nothing from the repository (hooks are
 * not cloned, submodules are not fetched, LFS smudging is off); the `ext::` transport, which runs
 * a command, is disabled. A ref that is not a branch or tag (a commit) is fetched by id, and
 * failing that the history is cloned in full to find it.
 */
export async function cloneRepository(url: string, dest: string, ref?: string): Promise<{ commit: string }> {
  const { execa } = await import('execa');
  const git = (args: string[], cwd?: string) =>
    execa('git', ['-c', 'protocol.ext.allow=never', '-c', 'advice.detachedHead=false', ...args], {
      cwd,
      env: { GIT_TERMINAL_PROMPT: '0', GIT_LFS_SKIP_SMUDGE: '1', GIT_ASKPASS: '', SSH_ASKPASS: '' },
      stdin: 'ignore',
      timeout: 10 * 60_000,
    });
  const attempts: Array<() => Promise<unknown>> = [
    () => git(['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', ...(ref ? ['--branch', ref] : []), '--', url, dest]),
  ];
  if (ref) {
    attempts.push(async () => {
      mkdirSync(dest, { recursive: true });
      await git(['init', '--quiet'], dest);
      await git(['fetch', '--quiet', '--depth', '1', '--', url, ref], dest);
      await git(['checkout', '--quiet', 'FETCH_HEAD'], dest);
    });
    attempts.push(async () => {
      await git(['clone', '--quiet', '--no-checkout', '--', url, dest]);
      await git(['checkout', '--quiet', '--detach', ref], dest);
    });
  }
  let firstError: unknown;
  for (const attempt of attempts) {
    try {
      await attempt();
      firstError = undefined;
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new OpenclawError('git_missing', 'git is not installed, and this source is a git repository', {
          hint: 'Install git, or download the repository as a .tar.gz or .zip and install that.',
        });
      }
      firstError ??= error;
      rmSync(dest, { recursive: true, force: true });
    }
  }
  if (firstError !== undefined) {
    const stderr = String((firstError as { stderr?: unknown }).stderr ?? '').trim();
    const reason = stderr.split('\n').filter(Boolean).pop() ?? (firstError instanceof Error ? firstError.message : String(firstError));
    throw new OpenclawError('git_failed', `could not clone ${url}${ref ? ` at ${ref}` : ''}: ${reason.replace(/^fatal: /, '')}`, {
      hint: ref ? 'Check the address and that the ref (branch, tag or commit) exists.' : 'Check the address, and that you can reach it (`git ls-remote <url>`).',
    });
  }
  const { stdout } = await git(['rev-parse', 'HEAD'], dest);
  return { commit: stdout.trim() };
}
