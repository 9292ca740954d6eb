import { storePaths } from '../../store/paths.js';
import { SessionStore } from '../../store/sessions.js';
import { printJson, table } from '../output.js';

export default async function sessionList(options: { json?: boolean; here?: boolean }): Promise<void> {
  let sessions = await new SessionStore(storePaths()).list();
  if (options.here) sessions = sessions.filter((session) => session.cwd === process.cwd());
  if (options.json) {
    printJson(sessions);
    return;
  }
  if (sessions.length === 0) {
    const where = options.here ? ` in ${process.cwd()}` : ' yet';
    process.stdout.write(`No sessions${where}. Start one with \`openclaw chat -p "..."\`.\n`);
    return;
  }
  const rows = sessions.map((session) => [
    session.id,
    session.updated.slice(0, 16).replace('T', ' '),
    String(session.messages),
    `${session.tokens.input + session.tokens.cacheRead + session.tokens.cacheWrite}/${session.tokens.output}`,
    session.cost > 0 ? `$${session.cost.toFixed(4)}` : '-',
    session.model,
    session.title,
  ]);
  process.stdout.write(`${table(rows, ['ID', 'UPDATED', 'MSGS', 'TOKENS IN/OUT', 'COST', 'MODEL', 'TITLE'])}\n`);
}
