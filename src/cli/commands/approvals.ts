import { ExitCode, OpenclawError } from '../../errors.js';
import { ApprovalStore } from '../../policy/approvals.js';
import { storePaths } from '../../store/paths.js';
import { printJson, table } from '../output.js';

export async function list(options: { json?: boolean }): Promise<void> {
  const approvals = new ApprovalStore(storePaths().home).list();
  if (options.json) {
    printJson(approvals);
    return;
  }
  if (approvals.length === 0) {
    process.stdout.write('No saved approvals. Answer "a" (always) to an approval in `openclaw chat` to save one.\n');
    return;
  }
  const rows = approvals.map((item) => [item.rule, item.where, item.granted.slice(0, 16).replace('T', ' '), item.lastUsed?.slice(0, 16).replace('T', ' ') ?? 'never']);
  process.stdout.write(`${table(rows, ['RULE', 'WHERE', 'GRANTED', 'LAST USED'])}\n`);
}

export async function rm(rule: string, options: { where?: string }): Promise<void> {
  const removed = await new ApprovalStore(storePaths().home).remove(rule, options.where);
  if (removed === 0) {
    throw new OpenclawError('approval_not_found', `no saved approval "${rule}"${options.where ? ` in ${options.where}` : ''}`, {
      exitCode: ExitCode.usage,
      hint: 'List them with `openclaw approvals list`; quote the rule as shown there.',
    });
  }
  process.stdout.write(`removed ${removed} approval${removed === 1 ? '' : 's'} of ${rule}\n`);
}
