import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent, DoneEvent } from '../../src/agent/events.js';
import { GatewayClient } from '../../src/gateway/client.js';
import { Gateway } from '../../src/gateway/gateway.js';
import type { Config } from '../../src/store/config-schema.js';
import { stillRunning } from '../../src/store/owner.js';
import { storePaths } from '../../src/store/paths.js';
import type { FakeProvider } from '../fixtures/fake-provider.js';
import { BIN } from '../helpers/cli.js';

export const API_KEY = 'sk-test-gateway-0123456789';
export const TOKEN = 'test-gateway-token-4b1f0c9e';

/** Answers every request with `reply to <last user message>`, after `delayMs`. */
export function echo(fake: FakeProvider, delayMs = 0): void {
  fake.fallback = (request) => {
    const messages = request.body.messages as Array<{ role: string; content: unknown }>;
    const last = [...messages].reverse().find((message) => message.role === 'user');
    const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content);
    return { text: `reply to ${text}`, delayMs };
  };
}

/** The user texts a provider request carried, in order. */
export function userTexts(body: { messages: Array<{ role: string; content: unknown }> }): string[] {
  return body.messages.filter((message) => message.role === 'user').map((message) => String(message.content));
}

export function writeConfig(home: string, config: Config): void {
  writeFileSync(join(home, 'config.json'), JSON.stringify({ retry: { baseDelayMs: 0, maxDelayMs: 0 }, ...config }));
}

/** A gateway in this process on a free loopback port, talking to the fake provider. */
export function startGateway(
  home: string,
  fake: FakeProvider,
  config: Config = {},
  options: Pick<Parameters<typeof Gateway.start>[0], 'connectTimeoutMs' | 'authLimit' | 'channelRetry' | 'logger'> = {},
): Promise<Gateway> {
  return Gateway.start({
    paths: storePaths(home),
    config: { retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 }, ...config },
    host: '127.0.0.1',
    port: 0,
    version: 'test',
    env: { OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: API_KEY, OPENCLAW_GATEWAY_TOKEN: TOKEN },
    ...options,
  });
}

export function connect(url: string, token = TOKEN): Promise<GatewayClient> {
  return GatewayClient.connect(url, token);
}

export interface SentMessage {
  receipt: { status: string; messageId: string; sessionKey: string; position: number };
  events: AgentEvent[];
  done: Promise<DoneEvent>;
}

/** Sends over `chat.send` and collects the run's events until `done`. */
export async function send(client: GatewayClient, params: { key?: string; text: string; messageId?: string }): Promise<SentMessage> {
  const events: AgentEvent[] = [];
  const run = client.chat(params, (event) => events.push(event));
  const receipt = (await run.receipt) as SentMessage['receipt'];
  return { receipt, events, done: run.done };
}

export function transcript(home: string, id: string): Array<Record<string, any>> {
  return readFileSync(join(home, 'sessions', `${id}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** Every session transcript's header and messages, by routing key. */
export function sessionsByKey(home: string): Map<string, { id: string; messages: Array<{ role: string; text?: string; parts?: any[] }> }> {
  const out = new Map<string, { id: string; messages: any[] }>();
  const dir = join(home, 'sessions');
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.jsonl')) continue;
    const [header, ...entries] = transcript(home, name.slice(0, -6));
    out.set(header.key, { id: header.id, messages: entries.filter((entry) => entry.type === 'message').map((entry) => entry.message) });
  }
  return out;
}

export function assistantText(message: { parts?: Array<{ type: string; text?: string }> }): string {
  return (message.parts ?? []).filter((part) => part.type === 'text').map((part) => part.text).join('');
}

/** `openclaw serve` as a subprocess (spawned asynchronously: the fake provider shares this event loop). */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnServe(home: string, fake: FakeProvider, args: string[] = []): Promise<ServeProcess> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(OPENAI_|ANTHROPIC_|OPENCLAW_)/.test(key)) env[key] = value;
  Object.assign(env, { OPENCLAW_HOME: home, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: API_KEY, OPENCLAW_GATEWAY_TOKEN: TOKEN });
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let ended = false;
  void exited.then(() => (ended = true));
  const url = await waitFor(
    () => {
      if (ended) throw new Error(`serve exited:\n${output}`);
      return /listening on (http:\/\/\S+)/.exec(output)?.[1];
    },
    15_000,
    () => `serve did not start:\n${output}`,
  );
  return { child, url, output: () => output, exited };
}

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, message: () => string = () => 'timed out'): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(message());
}

/** Kills the daemon of a store, if one runs (one a failed test left behind). */
export function killDaemon(home: string): void {
  const pidFile = join(home, 'gateway', 'gateway.pid');
  if (!existsSync(pidFile)) return;
  const { pid } = JSON.parse(readFileSync(pidFile, 'utf8'));
  if (stillRunning({ pid })) process.kill(pid, 'SIGKILL');
}

export function inboundLog(home: string): Array<Record<string, any>> {
  const path = join(home, 'gateway', 'inbound.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
}
