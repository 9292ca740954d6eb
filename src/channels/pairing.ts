import { randomInt } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, OpenclawError } from '../errors.js';
import { writeJsonFile } from '../store/atomic.js';
import { withFileLock } from '../store/lock.js';
import { ensureDir } from '../store/paths.js';

/** An unknown sender who asked to talk to the bot: the code they were given and until when it holds. */
export interface PairingRequest {
  channel: string;
  code: string;
  sender: { id: string; name?: string };
  created: string;
  expires: string;
}

/** A sender the owner approved: added to the channel's allowlist. */
export interface PairedSender {
  channel: string;
  id: string;
  name?: string;
  approved: string;
}

interface PairingFile {
  version: 1;
  pending: PairingRequest[];
  approved: PairedSender[];
}

export type PairingOutcome =
  /** A new code, to send to the sender. */
  | { status: 'created'; request: PairingRequest }
  /** The sender already holds a code that has not expired: nothing new is sent. */
  | { status: 'pending'; request: PairingRequest }
  /** The channel has as many pending requests as it may: the sender gets nothing. */
  | { status: 'full' };

export const PAIRING_TTL_MS = 60 * 60 * 1000;
export const MAX_PENDING_PER_CHANNEL = 3;
/** No 0/O or 1/I/L: a code is read off a phone and typed into a terminal. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

/**
 * Pairing: how an unknown sender gets access to a channel bot. Their first direct message gets a
 * one-time code (valid an hour, at most three waiting per channel) and nothing reaches the agent;
 * `openclaw pairing approve <channel> <code>` adds them to the channel's allowlist.
 *
 * Kept in `$OPENCLAW_HOME/gateway/pairing.json` (0600), shared by the running gateway and the
 * CLI: every change is a read-modify-write under a file lock and an atomic rename, and the
 * gateway notices approvals by the file's change time.
 */
export class PairingStore {
  readonly path: string;
  private cache: { stamp: string; data: PairingFile } | undefined;

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.path = join(dir, 'pairing.json');
  }

  /** Requests that have not expired, oldest first. */
  pending(channel?: string): PairingRequest[] {
    const now = this.now();
    return this.read().pending.filter((request) => Date.parse(request.expires) > now && (channel === undefined || request.channel === channel));
  }

  approved(channel?: string): PairedSender[] {
    return this.read().approved.filter((sender) => channel === undefined || sender.channel === channel);
  }

  isApproved(channel: string, senderId: string): boolean {
    return this.read().approved.some((sender) => sender.channel === channel && sender.id === senderId);
  }

  /** Gives an unknown sender a code, unless they hold one already or the channel is full. */
  async request(channel: string, sender: { id: string; name?: string }): Promise<PairingOutcome> {
    return this.update((data) => {
      const now = this.now();
      data.pending = data.pending.filter((request) => Date.parse(request.expires) > now);
      const mine = data.pending.find((request) => request.channel === channel && request.sender.id === sender.id);
      if (mine) return { status: 'pending', request: mine };
      if (data.pending.filter((request) => request.channel === channel).length >= MAX_PENDING_PER_CHANNEL) return { status: 'full' };
      const taken = new Set(data.pending.map((request) => request.code));
      let code = newCode();
      while (taken.has(code)) code = newCode();
      const request: PairingRequest = {
        channel,
        code,
        sender: { id: sender.id, ...(sender.name ? { name: sender.name } : {}) },
        created: new Date(now).toISOString(),
        expires: new Date(now + PAIRING_TTL_MS).toISOString(),
      };
      data.pending.push(request);
      return { status: 'created', request };
    });
  }

  /** Approves a code: its sender joins the channel's allowlist and the code is used up. */
  async approve(channel: string, code: string): Promise<PairedSender> {
    return this.update((data) => {
      const request = this.take(data, channel, code);
      const paired: PairedSender = { channel, id: request.sender.id, ...(request.sender.name ? { name: request.sender.name } : {}), approved: new Date(this.now()).toISOString() };
      data.approved = data.approved.filter((sender) => !(sender.channel === channel && sender.id === paired.id));
      data.approved.push(paired);
      return paired;
    });
  }

  /**
   * Denies a pending code, or, given the id of an approved sender, takes their access away.
   * A denied sender who writes again gets a new code (at most three wait per channel).
   */
  async deny(channel: string, codeOrSender: string): Promise<{ kind: 'request'; request: PairingRequest } | { kind: 'sender'; sender: PairedSender }> {
    return this.update((data) => {
      const sender = data.approved.find((item) => item.channel === channel && item.id === codeOrSender);
      if (sender) {
        data.approved.splice(data.approved.indexOf(sender), 1);
        return { kind: 'sender', sender };
      }
      return { kind: 'request', request: this.take(data, channel, codeOrSender) };
    });
  }

  private take(data: PairingFile, channel: string, code: string): PairingRequest {
    const wanted = code.trim().toUpperCase();
    const now = this.now();
    const request = data.pending.find((item) => item.channel === channel && item.code === wanted);
    if (!request || Date.parse(request.expires) <= now) {
      throw new OpenclawError('pairing_not_found', `no pending pairing code "${code}" for ${channel}${request ? ' (it expired)' : ''}`, {
        exitCode: ExitCode.usage,
        hint: 'See `openclaw pairing list`. Codes expire after an hour; the sender gets a new one by writing again.',
      });
    }
    data.pending.splice(data.pending.indexOf(request), 1);
    return request;
  }

  private read(): PairingFile {
    let stamp: string;
    try {
      const stat = statSync(this.path);
      stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      return { version: 1, pending: [], approved: [] };
    }
    if (this.cache?.stamp === stamp) return this.cache.data;
    const data = parse(readFileSync(this.path, 'utf8'));
    this.cache = { stamp, data };
    return data;
  }

  private async update<T>(change: (data: PairingFile) => T): Promise<T> {
    ensureDir(this.dir);
    return withFileLock(this.path, () => {
      this.cache = undefined;
      const data = structuredClone(this.read());
      const result = change(data);
      writeJsonFile(this.path, data);
      this.cache = undefined;
      return result;
    });
  }
}

function newCode(): string {
  let code = '';
  for (let index = 0; index < CODE_LENGTH; index++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A damaged file loses its requests (senders write again), never the gateway. */
function parse(text: string): PairingFile {
  try {
    const raw = JSON.parse(text) as Partial<PairingFile>;
    return {
      version: 1,
      pending: Array.isArray(raw.pending) ? raw.pending.filter((item) => typeof item?.code === 'string' && typeof item.channel === 'string' && typeof item.sender?.id === 'string') : [],
      approved: Array.isArray(raw.approved) ? raw.approved.filter((item) => typeof item?.id === 'string' && typeof item.channel === 'string') : [],
    };
  } catch {
    return { version: 1, pending: [], approved: [] };
  }
}
