import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDir } from '../store/paths.js';

/**
 * The gateway's bearer token: `OPENCLAW_GATEWAY_TOKEN` when set, else the one in
 * `$OPENCLAW_HOME/gateway/token` (0600), generated on first start.
 */
export function loadToken(path: string, env: NodeJS.ProcessEnv = process.env): { token: string; source: 'env' | 'file'; created: boolean } {
  const fromEnv = env.OPENCLAW_GATEWAY_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env', created: false };
  try {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored) {
      chmodSync(path, 0o600);
      return { token: stored, source: 'file', created: false };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  ensureDir(dirname(path));
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { token, source: 'file', created: true };
}

/** Reads the token a client should present, without creating one. */
export function readToken(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.OPENCLAW_GATEWAY_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Compares in constant time (of the digests), so the comparison leaks nothing about the token. */
export class TokenCheck {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = sha256(token);
  }

  matches(candidate: string | undefined): boolean {
    if (typeof candidate !== 'string' || candidate === '') return false;
    return timingSafeEqual(this.digest, sha256(candidate));
  }

  /** `Authorization: Bearer <token>`. */
  matchesHeader(header: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match !== null && this.matches(match[1]);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Failed authentication per client address: after `max` failures within `windowMs`, every
 * attempt from that address is refused for `blockMs`, right or wrong, so a guess cannot be
 * confirmed while blocked. Bounded in memory: old entries are pruned.
 */
export class FailedAuthLimiter {
  private readonly failures = new Map<string, { count: number; since: number; blockedUntil: number }>();

  constructor(private readonly limits: { max: number; windowMs: number; blockMs: number } = { max: 10, windowMs: 60_000, blockMs: 60_000 }) {}

  /** Seconds until the address may try again; 0 when it may now. */
  retryAfter(address: string, now = performance.now()): number {
    const entry = this.failures.get(address);
    if (!entry || entry.blockedUntil <= now) return 0;
    return Math.ceil((entry.blockedUntil - now) / 1000);
  }

  fail(address: string, now = performance.now()): void {
    let entry = this.failures.get(address);
    if (!entry || now - entry.since > this.limits.windowMs) {
      entry = { count: 0, since: now, blockedUntil: 0 };
      this.failures.set(address, entry);
    }
    entry.count++;
    if (entry.count >= this.limits.max) entry.blockedUntil = now + this.limits.blockMs;
    if (this.failures.size > 10_000) this.prune(now);
  }

  private prune(now: number): void {
    for (const [address, entry] of this.failures) {
      if (entry.blockedUntil <= now && now - entry.since > this.limits.windowMs) this.failures.delete(address);
    }
  }
}
