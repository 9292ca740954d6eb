import type { AgentEvent } from '../../agent/events.js';
import { normalizeSessionKey } from '../../channels/types.js';
import { ExitCode, OpenclawError, usageError } from '../../errors.js';
import { readToken } from '../../gateway/auth.js';
import { GatewayClient } from '../../gateway/client.js';
import { DEFAULT_PORT, gatewayPaths, readGatewayRecord } from '../../gateway/pidfile.js';
import { storePaths } from '../../store/paths.js';
import { newSessionId } from '../../store/sessions.js';
import { paint } from '../output.js';
import type { ChatOptions } from './chat.js';

/**
 * `openclaw chat -p --remote [url]`: the task goes to a running gateway over its WebSocket, and
 * the agent events come back into the same outputs as a local run. `-r <key>` continues a
 * gateway session (`cli:dm:<name>`, or a bare name); without it each run is a new session.
 */
export async function chatRemote(prompt: string, options: ChatOptions, output: (event: AgentEvent) => void): Promise<void> {
  const localOnly: Array<[string, unknown]> = [
    ['--continue', options.continue],
    ['--provider', options.provider],
    ['--model', options.model],
    ['--approval', options.approval],
    ['--allow', options.allow?.length],
    ['--deny', options.deny?.length],
    ['--sandbox', options.sandbox],
    ['--max-turns', options.maxTurns],
    ['--no-session', !options.session],
  ];
  for (const [flag, given] of localOnly) {
    if (given) throw usageError(`${flag} does not apply with --remote: the gateway's own settings decide`, 'Continue a gateway session with -r <session key>; set models and policy in the gateway\'s config.');
  }
  const key = options.resume === undefined ? `cli:dm:${newSessionId()}` : normalizeSessionKey(options.resume.includes(':') ? options.resume : `cli:dm:${options.resume}`);
  if (!key) throw usageError(`"${options.resume}" is not a session key`, 'Use <channel>:<dm|group>:<id>, e.g. cli:dm:notes, or a bare name.');

  const files = gatewayPaths(storePaths());
  const url = typeof options.remote === 'string' ? options.remote : (readGatewayRecord(files.pidFile)?.url ?? `http://127.0.0.1:${DEFAULT_PORT}`);
  const token = readToken(files.token);
  if (!token) throw usageError('no gateway token', `Set OPENCLAW_GATEWAY_TOKEN to the gateway's token (in ${files.token} on its machine).`);
  const client = await GatewayClient.connect(url, token);
  if (process.stderr.isTTY) process.stderr.write(`${paint(process.stderr, 'dim', `gateway ${url}, session ${key}`)}\n`);

  let messageId: string | undefined;
  const run = client.chat({ key, text: prompt }, output);
  run.receipt.then((receipt) => (messageId = receipt.status === 'accepted' ? receipt.messageId : undefined)).catch(() => undefined);
  const done = run.done.catch((error: unknown) => {
    if (error instanceof OpenclawError && error.code === 'gateway_disconnected') {
      throw new OpenclawError('gateway_disconnected', `the gateway closed the connection before the answer was complete; it stays in session ${key}`, { hint: `Read it with: openclaw chat --remote -r ${key} -p "..."` });
    }
    throw error;
  });

  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    if (messageId) client.request('chat.abort', { key, messageId }).catch(() => undefined);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    process.exitCode = (await done).exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    client.close();
  }
}
