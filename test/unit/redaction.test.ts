import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../src/policy/redaction.js';

const redactor = new Redactor(['my-configured-token-value']);

describe('Redactor', () => {
  it.each([
    ['OpenAI key', 'key is sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['Anthropic key', 'export ANTHROPIC=sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123'],
    ['GitHub token', 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB'],
    ['Slack token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp'],
    ['AWS access key id', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'],
    ['Google API key', 'key=AIzaSyA-abcdefghijklmnopqrstuvwxyz01234 end'],
    ['Telegram bot token', '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0'],
    ['JWT', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['assigned secret', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['JSON secret', '{"client_secret": "4f9a2c7e1b3d5f6a8c0e2b4d"}'],
    ['configured literal', 'the value my-configured-token-value leaked'],
  ])('replaces a %s', (_name, text) => {
    const out = redactor.redact(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toMatch(/AbCdEf|abcdefghij|AKIAIOSF|AAHdqT|dozjgN|wJalrX|4f9a2c7e|my-configured/);
  });

  it('removes a whole private key block', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACB\n-----END OPENSSH PRIVATE KEY-----';
    expect(redactor.redact(`before\n${key}\nafter`)).toBe(`before\n${REDACTED}\nafter`);
  });

  it.each([
    'const token = getToken(request);',
    'password: process.env.DB_PASSWORD',
    'if (apiKey === undefined) throw new Error("no key")',
    'secret_name = "database_password_production"',
    'the tokenizer splits 12345678901234567890 tokens',
    'git commit -m "fix token refresh"',
  ])('leaves ordinary code and prose alone: %s', (text) => {
    expect(redactor.redact(text)).toBe(text);
  });

  it('redacts values inside nested JSON but keeps keys', () => {
    const value = { message: { content: 'sk-abcdefghijklmnopqrstuvwxyz123456' }, list: ['ok', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB'] };
    expect(redactor.redactValue(value)).toEqual({ message: { content: REDACTED }, list: ['ok', REDACTED] });
  });

  it('ignores configured secrets too short to be safe to replace', () => {
    expect(new Redactor(['abc']).redact('abc abc')).toBe('abc abc');
  });
});
