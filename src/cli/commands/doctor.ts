import { errorMessage, ExitCode } from '../../errors.js';
import { storePaths } from '../../store/paths.js';
import { isVerbose, paint, printJson, withSpinner } from '../output.js';
import { CHECKS, doctorContext, type CheckResult, type CheckStatus } from './doctor-checks.js';

const MARK: Record<CheckStatus, { text: string; style: 'green' | 'yellow' | 'red' | 'dim' }> = {
  ok: { text: '✓', style: 'green' },
  warn: { text: '!', style: 'yellow' },
  fail: { text: '✗', style: 'red' },
  skip: { text: '-', style: 'dim' },
};

/** Details shown per check unless --verbose: enough to act on, short enough to read. */
const DETAILS_SHOWN = 5;

/**
 * `openclaw doctor [--fix] [--json]`: every check, then (with --fix) the safe repairs, each
 * followed by the check again so the report shows the state after. Exit 1 when a check fails.
 */
export default async function doctor(options: { fix?: boolean; json?: boolean }): Promise<void> {
  const context = doctorContext(storePaths());
  const results = await withSpinner('checking', () => runChecks(context, Boolean(options.fix)));
  const failed = results.some((result) => result.status === 'fail');
  process.exitCode = failed ? ExitCode.runtime : ExitCode.ok;
  const changes = results.flatMap((result) => result.fixed ?? []);

  if (options.json) {
    printJson({ ok: !failed, checks: results.map(({ repair: _repair, ...result }) => result), changes });
    return;
  }
  const out = process.stdout;
  const width = Math.max(...results.map((result) => result.id.length));
  for (const result of results) {
    const mark = MARK[result.status];
    out.write(`${paint(out, mark.style, mark.text)} ${result.id.padEnd(width)}  ${result.message}\n`);
    const details = result.details ?? [];
    const shown = isVerbose() ? details : result.status === 'ok' ? [] : details.slice(0, DETAILS_SHOWN);
    for (const line of shown) out.write(`    ${paint(out, 'dim', line)}\n`);
    if (shown.length < details.length && result.status !== 'ok') out.write(`    ${paint(out, 'dim', `… ${details.length - shown.length} more (--verbose shows all)`)}\n`);
    for (const change of result.fixed ?? []) out.write(`    ${paint(out, 'green', 'fixed:')} ${change}\n`);
    if (result.fix && result.status !== 'ok' && result.status !== 'skip') out.write(`    ${paint(out, 'dim', 'fix:')} ${result.fix}\n`);
  }
  const counts = (status: CheckStatus) => results.filter((result) => result.status === status).length;
  const summary = [`${counts('ok')} ok`, counts('warn') ? `${counts('warn')} warning(s)` : '', counts('fail') ? `${counts('fail')} failed` : '', changes.length ? `${changes.length} change(s) made` : '']
    .filter(Boolean)
    .join(', ');
  const repairable = !options.fix && results.some((result) => result.repair);
  out.write(`\n${summary}${repairable ? '; `openclaw doctor --fix` repairs what it safely can' : ''}\n`);
}

async function runChecks(context: ReturnType<typeof doctorContext>, fix: boolean): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of CHECKS) {
    let result = await check(context);
    if (fix && result.repair) {
      try {
        const fixed = await result.repair();
        result = { ...(await check(context)), fixed };
      } catch (error) {
        result = { ...result, details: [...(result.details ?? []), `--fix could not repair it: ${errorMessage(error)}`] };
      }
    }
    results.push(result);
  }
  return results;
}
