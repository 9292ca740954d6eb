import { ExitCode } from '../../errors.js';
import { verifySkills } from '../../skills/installed.js';
import { printJson } from '../output.js';

/** `skill verify`: installed files against their recorded sha256; exit 1 when any differ. */
export default async function skillVerify(options: { json?: boolean }): Promise<void> {
  const results = verifySkills();
  const failed = results.some((result) => result.status === 'modified' || result.status === 'missing');
  if (failed) process.exitCode = ExitCode.runtime;
  if (options.json) {
    printJson(results);
    return;
  }
  if (results.length === 0) {
    process.stdout.write('No installed skills to verify.\n');
    return;
  }
  for (const result of results) {
    const details =
      result.status === 'ok'
        ? ''
        : result.status === 'unrecorded'
          ? ': not installed by openclaw, no sha256 recorded'
          : result.status === 'missing'
            ? ': its folder is gone'
            : `: ${[
                result.changed.length > 0 ? `changed ${result.changed.join(', ')}` : '',
                result.missing.length > 0 ? `missing ${result.missing.join(', ')}` : '',
                result.added.length > 0 ? `added ${result.added.join(', ')}` : '',
              ]
                .filter(Boolean)
                .join('; ')}`;
    process.stdout.write(`${result.status.padEnd(10)} ${result.name}${details}\n`);
  }
  if (failed) process.stderr.write('Some installed skills differ from what was installed. Reinstall them with `openclaw skill install <source> --force`.\n');
}
