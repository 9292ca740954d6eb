import type { AgentEvent, DoneEvent } from '../agent/events.js';
import { errorMessage } from '../errors.js';
import type { AccessControl } from './access.js';
import { PAIRING_TTL_MS } from './pairing.js';
import { splitMessage } from './split.js';
import type { ConnectionSupervisor } from './supervisor.js';
import { sessionKeyOf, type ChannelContext, type ChannelLog, type InboundEnvelope, type RunListener } from './types.js';

/** What a chat app adapter does for the shared bot logic: post one message into a chat. */
export interface ChatSurface {
  readonly channel: string;
  readonly maxMessageLength: number;
  /**
   * Posts one message of Markdown (at most `maxMessageLength` characters) into the chat the
   * envelope came from, threaded to that message. `index` counts the parts of one reply.
   */
  post(envelope: InboundEnvelope, markdown: string, index: number): Promise<void>;
}

/** `later`: the gateway takes no messages now (it is stopping); the chat service should redeliver. */
export type Handled = 'handled' | 'later';

const COMMAND = /^\/(new|status|help|start)(?:@([A-Za-z0-9_]+))?(?:\s|$)/i;

/**
 * The part of a chat bot that is the same on every chat app: who gets an answer (access control
 * and pairing), the `/new`, `/status` and `/help` commands, handing messages to the gateway's
 * durable inbound log, and turning a run into a reply: the answer, then what the agent was not
 * allowed to do, or what went wrong. Every inbound message ends in a reply or a log line.
 */
export class ChatBot {
  private context: ChannelContext | undefined;

  constructor(
    private readonly surface: ChatSurface,
    private readonly access: AccessControl,
    private readonly supervisor: ConnectionSupervisor,
    private readonly log: ChannelLog,
    /** The bot's user name on the chat app, once known: `/help@name` in a group addresses it. */
    private readonly botName: () => string | undefined = () => undefined,
  ) {}

  attach(context: ChannelContext): void {
    this.context = context;
  }

  /** Takes one inbound message; never throws. */
  async handle(envelope: InboundEnvelope, repliesToBot: boolean): Promise<Handled> {
    this.supervisor.inbound();
    const context = this.context;
    const fields = { channel: envelope.channel, messageId: envelope.messageId, chat: `${envelope.chat.type}:${envelope.chat.id}`, sender: envelope.sender.id };
    if (!context) return 'later';
    try {
      const command = COMMAND.exec(envelope.text.trim());
      const addressedCommand = command && (!command[2] || command[2].toLowerCase() === this.botName()?.toLowerCase());
      const decision = await this.access.decide(addressedCommand ? { ...envelope, mentionsBot: true } : envelope, repliesToBot);
      if (decision.kind === 'ignore') {
        this.log.info(fields, `message ignored: ${decision.why}`);
        return 'handled';
      }
      if (decision.kind === 'refuse') {
        this.log.warn(fields, `message refused: ${decision.why}`);
        return 'handled';
      }
      if (decision.kind === 'pair') {
        const outcome = decision.outcome;
        if (outcome.status === 'created') {
          this.log.warn({ ...fields, code: outcome.request.code }, `pairing requested by an unknown sender: approve with \`openclaw pairing approve ${envelope.channel} ${outcome.request.code}\``);
          await this.reply(envelope, pairingText(envelope.channel, outcome.request.code));
        } else if (outcome.status === 'pending') {
          this.log.info({ ...fields, code: outcome.request.code }, 'message from a sender waiting for pairing approval: not answered');
        } else {
          this.log.warn(fields, 'message from an unknown sender refused: the channel already has the most pending pairing requests (see `openclaw pairing list`)');
        }
        return 'handled';
      }
      if (addressedCommand) {
        await this.command(context, envelope, command[1].toLowerCase());
        return 'handled';
      }
      const receipt = await context.receive(envelope, { listener: new ReplyListener((text) => this.reply(envelope, text), this.log, fields) });
      if (receipt.status === 'duplicate') this.log.info({ ...fields, state: receipt.state }, 'message delivered again: already taken, not answered twice');
      else if (receipt.status === 'busy') {
        this.log.warn({ ...fields, waiting: receipt.waiting }, 'message refused: the session is busy');
        await this.reply(envelope, `I am still working on ${receipt.waiting} earlier messages from this chat. Send this one again in a little while.`);
      } else if (receipt.status === 'closing') {
        this.log.warn(fields, 'message not taken: the gateway is stopping');
        return 'later';
      }
      return 'handled';
    } catch (error) {
      this.supervisor.error(error);
      this.log.error({ ...fields, err: errorMessage(error) }, 'inbound message failed');
      await this.reply(envelope, `Sorry, this message could not be taken: ${errorMessage(error)}`);
      return 'handled';
    }
  }

  /** Sends a reply in as many messages as the chat app's limit needs, code blocks intact. */
  async reply(envelope: InboundEnvelope, markdown: string): Promise<boolean> {
    const parts = splitMessage(markdown, this.surface.maxMessageLength);
    try {
      for (const [index, part] of parts.entries()) await this.surface.post(envelope, part, index);
      return true;
    } catch (error) {
      this.supervisor.error(error);
      this.log.error({ channel: envelope.channel, messageId: envelope.messageId, err: errorMessage(error) }, 'reply could not be delivered; it stays in the session');
      return false;
    }
  }

  private async command(context: ChannelContext, envelope: InboundEnvelope, name: string): Promise<void> {
    const key = sessionKeyOf(envelope);
    if (name === 'new') {
      await context.newSession(key);
      await this.reply(envelope, 'Started a new conversation. The previous one stays in the store (`openclaw session list`).');
      return;
    }
    if (name === 'status') {
      const info = await context.sessionInfo(key);
      const lines = [`**Session** \`${key}\``];
      if (info) {
        lines.push(
          `id \`${info.id}\`${info.title ? ` (${info.title})` : ''}`,
          `model ${info.model}`,
          `${info.messages} messages, ${info.tokens} tokens, $${info.cost.toFixed(4)}`,
          `started ${info.created.slice(0, 16).replace('T', ' ')} UTC, last message ${info.updated.slice(0, 16).replace('T', ' ')} UTC`,
        );
      } else {
        lines.push('no messages yet');
      }
      await this.reply(envelope, lines.join('\n'));
      return;
    }
    await this.reply(envelope, HELP);
  }
}

const HELP = [
  'I am an openclaw agent. Write to me and I answer; in a group, mention me or reply to me.',
  '',
  '/new: start a new conversation',
  '/status: this conversation (session, model, messages, tokens)',
  '/help: this help',
].join('\n');

function pairingText(channel: string, code: string): string {
  return [
    'Hi! This bot answers only people its owner has approved.',
    `Your pairing code is **${code}** (valid for ${Math.round(PAIRING_TTL_MS / 60_000)} minutes). Ask the owner to run:`,
    '',
    `\`openclaw pairing approve ${channel} ${code}\``,
  ].join('\n');
}

/**
 * Follows one run and, when it ends, sends the reply: the answer, followed by the tool calls the
 * agent was not allowed to make (nobody can approve from a chat, so they were denied), or what
 * went wrong. A run interrupted by a gateway restart is not answered here: it resumes after the
 * restart and its reply comes through the adapter's `send`.
 */
export class ReplyListener implements RunListener {
  readonly connected = true;
  private readonly calls = new Map<string, { name: string; args: unknown }>();
  private readonly denials: string[] = [];
  private lastError: string | undefined;

  constructor(
    private readonly deliver: (markdown: string) => Promise<unknown>,
    private readonly log: ChannelLog,
    private readonly fields: Record<string, unknown>,
  ) {}

  event(event: AgentEvent): void {
    if (event.type === 'tool_call') this.calls.set(event.id, { name: event.name, args: event.args });
    else if (event.type === 'approval' && event.decision === 'deny' && event.by !== 'validation') {
      const call = this.calls.get(event.id);
      this.denials.push(`${call ? describeCall(call.name, call.args) : 'a tool call'}: ${plainWhy(event.why)}`);
    } else if (event.type === 'error' && !event.retryable) this.lastError = event.message;
    else if (event.type === 'done') void this.finish(event);
  }

  private async finish(done: DoneEvent): Promise<void> {
    if (done.status === 'interrupted') {
      this.log.info({ ...this.fields, status: done.status }, 'run interrupted: no reply now; a run resumed after a restart is answered then');
      return;
    }
    const parts: string[] = [];
    if (done.text.trim() !== '') parts.push(done.text.trim());
    if (this.denials.length > 0) parts.push(`_Not allowed in this chat, so not done:_\n${this.denials.map((line) => `- ${line}`).join('\n')}`);
    if (done.status === 'error') parts.push(`Sorry, something went wrong: ${this.lastError ?? 'the run failed'}. Try again, or send /new to start over.`);
    else if (done.status === 'max_turns') parts.push('_(Stopped: the turn limit was reached before I finished.)_');
    if (parts.length === 0) parts.push('_(The agent finished without an answer.)_');
    if (done.status === 'error') this.log.error({ ...this.fields, err: this.lastError }, 'run failed; the sender was told');
    await this.deliver(parts.join('\n\n'));
  }
}

function describeCall(name: string, args: unknown): string {
  const fields = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
  const target = [fields.command, fields.path, fields.url, fields.pattern].find((value) => typeof value === 'string') as string | undefined;
  if (!target) return `\`${name}\``;
  const short = target.length > 80 ? `${target.slice(0, 77)}...` : target;
  return `\`${name}\` \`${short.replace(/`/g, "'")}\``;
}

/** A policy decision as a person reads it: the part about command-line flags means nothing in a chat. */
function plainWhy(why: string): string {
  const cut = why.indexOf(', and nobody can approve it here');
  return cut >= 0 ? `${why.slice(0, cut)}, and nobody can approve it from a chat` : why;
}
