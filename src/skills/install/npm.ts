import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OpenclawError } from '../../errors.js';

/**
 * `npm pack <spec>` into `dest`: the package's tarball, exactly as published, with no lifecycle
 * script run (`--ignore-scripts`: packing a folder or a git spec would otherwise run `prepare`).
 */
export async function packNpmPackage(spec: string, dest: string, cwd: string): Promise<{ tarball: string; name: string; version: string }> {
  const { execa } = await import('execa');
  mkdirSync(dest, { recursive: true });
  let stdout: string;
  try {
    ({ stdout } = await execa('npm', ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', dest], {
      // The user's directory: a relative `file:` spec and the project's .npmrc mean what they would to npm.
      cwd,
      stdin: 'ignore',
      timeout: 10 * 60_000,
      env: { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new OpenclawError('npm_missing', 'npm is not installed, and this source is an npm package', {
        hint: 'Install Node.js with npm, or download the package tarball and install that file.',
      });
    }
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    const reason = stderr.split('\n').find((line) => /npm (error|ERR!)/.test(line) && !/A complete log/.test(line)) ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
    throw new OpenclawError('npm_failed', `could not fetch npm:${spec}: ${reason.replace(/^npm (error|ERR!)\s*/, '')}`, {
      hint: 'Check the package name and version (`npm view <package> versions`).',
    });
  }
  const packed = parsePackOutput(stdout);
  if (!packed) throw new OpenclawError('npm_failed', `npm pack ${spec} printed no package`, { hint: 'Run the same `npm pack` yourself to see why.' });
  return { tarball: join(dest, packed.filename), name: packed.name, version: packed.version };
}

function parsePackOutput(stdout: string): { filename: string; name: string; version: string } | undefined {
  try {
    const json = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; name: string; version: string }>;
    return json[0]?.filename ? json[0] : undefined;
  } catch {
    return undefined;
  }
}
