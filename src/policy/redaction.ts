/**
 * Keeps secrets out of what openclaw writes and what the model reads: the keys openclaw itself
 * holds, and values that look like well-known secret formats. A secret can still reach a tool
 * deliberately, through an environment variable the tool uses; never through text.
 */

export const REDACTED = '[REDACTED]';

/** Formats whose shape alone says "secret", each with the part to replace (group 1 if present). */
const SECRET_FORMATS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----/g },
  { name: 'Anthropic key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { name: 'OpenAI key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { name: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g },
  { name: 'GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { name: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { name: 'Slack app token', pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/g },
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'Stripe key', pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { name: 'Telegram bot token', pattern: /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { name: 'JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // `AWS_SECRET_ACCESS_KEY=...`, `"api_key": "..."`: a key-like value after a telling name. Code
  // such as `token = getToken()` or `password: process.env.PW` is left alone (see looksLikeKey).
  {
    name: 'assigned secret',
    pattern: /\b(?:[A-Za-z0-9_]*(?:secret|token|passwd|password|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_]*)["']?\s*[:=]\s*["']?([A-Za-z0-9+/_=-]{16,})/gi,
  },
];

/** Something every format above contains: text without any of these holds no secret format. */
const MAYBE_SECRET = /PRIVATE KEY|sk-|sk_|rk_|gh[pousr]_|github_pat_|glpat-|xox|xapp-|AKIA|ASIA|AIza|:AA|npm_|eyJ|secret|token|passwd|password|api[_-]?key|access[_-]?key|private[_-]?key/i;

/** Letters and digits mixed, as keys are; not an identifier, a word or a number. */
function looksLikeKey(value: string): boolean {
  return /[A-Za-z]/.test(value) && /\d/.test(value) && !/^[a-z_]+\d*$/i.test(value);
}

export class Redactor {
  private readonly literals: string[];

  /** `secrets`: exact values to remove (API keys, tokens in use); short values are ignored. */
  constructor(secrets: Array<string | undefined> = []) {
    this.literals = [...new Set(secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 8))].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const literal of this.literals) if (out.includes(literal)) out = out.split(literal).join(REDACTED);
    // One pass decides whether any format could match: most text (every streamed answer) holds none.
    if (!MAYBE_SECRET.test(out)) return out;
    for (const { pattern } of SECRET_FORMATS) {
      pattern.lastIndex = 0;
      out = out.replace(pattern, (match: string, value?: unknown) => {
        if (typeof value !== 'string') return REDACTED;
        return looksLikeKey(value) ? match.replace(value, REDACTED) : match;
      });
    }
    return out;
  }

  /** A copy of a JSON value with every secret replaced (values only; keys are kept). */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.redactValue(item)])) as T;
    }
    return value;
  }
}
