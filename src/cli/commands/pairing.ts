import { PairingStore } from '../../channels/pairing.js';
import { CHAT_CHANNELS, type ChatChannelId } from '../../channels/registry.js';
import { ExitCode, OpenclawError } from '../../errors.js';
import { gatewayPaths } from '../../gateway/pidfile.js';
import { storePaths } from '../../store/paths.js';
import { printJson, table } from '../output.js';

function store(): PairingStore {
  return new PairingStore(gatewayPaths(storePaths()).dir);
}

/** `openclaw pairing list`: the codes waiting for approval, and the senders approved so far. */
export async function list(options: { json?: boolean }): Promise<void> {
  const pairing = store();
  const pending = pairing.pending();
  const approved = pairing.approved();
  if (options.json) {
    printJson({ pending, approved });
    return;
  }
  const out = process.stdout;
  if (pending.length === 0) out.write('No pairing requests waiting. An unknown sender who writes to a bot gets a code to show here.\n');
  else {
    const rows = pending.map((request) => [request.channel, request.code, request.sender.id, request.sender.name ?? '', `${minutesLeft(request.expires)} min`]);
    out.write(`${table(rows, ['CHANNEL', 'CODE', 'SENDER', 'NAME', 'EXPIRES IN'])}\n`);
    out.write(`\nApprove one with: openclaw pairing approve ${pending[0].channel} ${pending[0].code}\n`);
  }
  if (approved.length > 0) {
    const rows = approved.map((sender) => [sender.channel, sender.id, sender.name ?? '', sender.approved.slice(0, 16).replace('T', ' ')]);
    out.write(`\nApproved senders (take one back with \`openclaw pairing deny <channel> <sender id>\`):\n${table(rows, ['CHANNEL', 'SENDER', 'NAME', 'APPROVED'])}\n`);
  }
}

/** `openclaw pairing approve <channel> <code>`: the sender joins the channel's allowlist. */
export async function approve(channel: string, code: string): Promise<void> {
  const sender = await store().approve(checkChannel(channel), code);
  process.stdout.write(`approved ${channel} user ${sender.id}${sender.name ? ` (${sender.name})` : ''}: their messages now reach the agent\n`);
}

/** `openclaw pairing deny <channel> <code>`: drops a request; given an approved sender's id, takes their access away. */
export async function deny(channel: string, code: string): Promise<void> {
  const result = await store().deny(checkChannel(channel), code);
  if (result.kind === 'sender') process.stdout.write(`removed ${channel} user ${result.sender.id} from the approved senders\n`);
  else process.stdout.write(`denied pairing code ${result.request.code} (${channel} user ${result.request.sender.id}); nothing reaches the agent\n`);
}

function checkChannel(channel: string): ChatChannelId {
  if ((CHAT_CHANNELS as readonly string[]).includes(channel)) return channel as ChatChannelId;
  throw new OpenclawError('unknown_channel', `unknown channel "${channel}"`, { exitCode: ExitCode.usage, hint: `Channels with pairing: ${CHAT_CHANNELS.join(', ')}.` });
}

function minutesLeft(expires: string): number {
  return Math.max(0, Math.ceil((Date.parse(expires) - Date.now()) / 60_000));
}
