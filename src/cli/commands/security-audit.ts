import { securityAudit, type Severity } from '../../policy/audit.js';
import { bubblewrapProblem } from '../../policy/sandbox.js';
import { loadConfig } from '../../store/config.js';
import { storePaths } from '../../store/paths.js';
import { paint, printJson, warn } from '../output.js';

const ORDER: Severity[] = ['high', 'medium', 'low'];

export default async function securityAuditCommand(options: { json?: boolean }): Promise<void> {
  const paths = storePaths();
  const { config, warnings } = loadConfig(paths);
  if (!options.json) for (const warning of warnings) warn(warning);
  const findings = securityAudit({ paths, config, cwd: process.cwd(), sandboxWorks: (await bubblewrapProblem()) === undefined });
  findings.sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity));
  const high = findings.some((finding) => finding.severity === 'high');
  process.exitCode = high ? 1 : 0;
  if (options.json) {
    printJson({ ok: !high, findings });
    return;
  }
  if (findings.length === 0) {
    process.stdout.write('No findings: the store is private, no secrets in config, no broad rules, the sandbox works.\n');
    return;
  }
  const out = process.stdout;
  const colour = { high: 'red', medium: 'yellow', low: 'dim' } as const;
  for (const finding of findings) {
    out.write(`${paint(out, colour[finding.severity], finding.severity.toUpperCase().padEnd(6))} ${finding.id}: ${finding.message}\n`);
    out.write(`       fix: ${finding.fix}\n`);
  }
}
