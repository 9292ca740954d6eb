/**
 * The gateway benchmark: `npm run build && node bench/gateway.ts`.
 *
 * Measures DESIGN.md's gateway budgets against a real `openclaw serve` subprocess and the
 * loopback fake provider (test/fixtures/fake-provider.ts, in a process of its own) answering
 * every request after 20 ms:
 *   - idle RSS of the gateway, right after start (no provider SDK loaded yet);
 *   - 200 sessions, each a WebSocket client sending its next message when the previous one is
 *     done (closed loop), 10,000 messages in all: messages per second;
 *   - the latency the gateway adds while the same 200 sessions send 1,000 messages a second (the
 *     budget's rate) for 30 s without a pause, judged on the median of three 10 s windows, and
 *     again for 10 s at half the measured throughput after the gateway sat idle: end-to-end
 *     p50/p99 minus the p50/p99 of the same streamed call made straight to the fake provider at the
 *     same rate, for as long, right after;
 *   - RSS after the 10,000 messages, against the RSS after the first 2,000 (memory flat);
 *   - nothing lost or duplicated: every session's transcript holds exactly its own messages.
 * The gateway runs with gateway.maxConcurrent = 200 (one run per session at once; the default
 * of 4 protects a real provider's rate limits, not the gateway). A markdown table goes to
 * stdout, progress to stderr.
 *
 * Options: --quick (2,000 messages over 50 sessions: a smoke test), --messages <n>, --sessions <n>.
 * For diagnosis: BENCH_GATEWAY_NODE_ARGS (Node flags for the gateway, e.g. "--trace-gc" or
 * "--inspect=127.0.0.1:9339") and BENCH_GATEWAY_STDOUT (a file for the gateway's stdout: its logs
 * and the GC trace).
 * Erasable TypeScript only (Node runs this file by type stripping).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'openclaw');
const TOKEN = 'bench-gateway-token';
const PROVIDER_DELAY_MS = 20;

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const MESSAGES = Number(option('--messages') ?? (quick ? 2_000 : 10_000));
const SESSIONS = Number(option('--sessions') ?? (quick ? 50 : 200));
const CHECKPOINT = Math.min(2_000, Math.floor(MESSAGES / 5));
const RUN_TIMEOUT_MS = 30_000;
/** BENCH_GATEWAY_LATENCIES=<file>: every message's phase, session, start (ms) and latency, for diagnosis. */
const TRACE: string[] | undefined = process.env.BENCH_GATEWAY_LATENCIES ? [] : undefined;

function option(name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

const began = performance.now();
function log(message: string): void {
  process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * q))];
}

/** User + system CPU seconds a process has used. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The fake provider in a process of its own, so the load generator's work does not slow the
 * provider down (and the other way round).
 */
async function startProvider(): Promise<{ child: ChildProcess; baseUrl: string }> {
  const code = [
    `import { FakeProvider } from ${JSON.stringify(join(ROOT, 'test', 'fixtures', 'fake-provider.ts'))};`,
    'const fake = await FakeProvider.start();',
    `fake.fallback = () => ({ text: 'ok', delayMs: ${PROVIDER_DELAY_MS} });`,
    'console.log(fake.openaiBaseUrl);',
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim()));
    child.once('exit', (status) => reject(new Error(`the fake provider exited (${status})`)));
  });
  return { child, baseUrl };
}

/** The gateway's `/status`: memory, and its event-loop delay since the previous request. */
async function gatewayStatus(url: string): Promise<{ memory: { heapUsedBytes: number; heapTotalBytes: number; externalBytes: number }; eventLoopDelayMs: { p50: number; p99: number; max: number } }> {
  const response = await fetch(`${url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return await response.json();
}

async function startGateway(home: string, providerUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(OPENAI_|ANTHROPIC_|OPENCLAW_)/.test(key)) env[key] = value;
  Object.assign(env, { OPENCLAW_HOME: home, OPENAI_BASE_URL: providerUrl, OPENAI_API_KEY: 'sk-bench', OPENCLAW_GATEWAY_TOKEN: TOKEN });
  const child = spawn(process.execPath, [...(process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean), BIN, 'serve', '--port', '0'], { env, stdio: ['ignore', process.env.BENCH_GATEWAY_STDOUT ? openSync(process.env.BENCH_GATEWAY_STDOUT, 'w') : 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    if (url) return { child, url };
    if (child.exitCode !== null) break;
    await sleep(20);
  }
  throw new Error(`the gateway did not start:\n${stderr}`);
}

interface LoadResult {
  latencies: number[];
  /** When each message was sent, in ms from the start of the load (in the order of `latencies`). */
  starts: number[];
  seconds: number;
  failures: string[];
}

/**
 * `sessions` WebSocket clients, one session each (`bench:dm:s<n>`), until `total` messages are
 * done, their texts marked with the phase (`s<n>-t<i>`, `s<n>-k<i>`, `s<n>-h<i>`). Closed loop
 * (`intervalMs` 0: each sends its next message when the last is done) or paced (each sends one
 * every `intervalMs`, staggered). Latency is from `chat.send` to the run's `done` event.
 */
async function gatewayLoad(url: string, options: { total: number; sessions: number; intervalMs: number; prefix: string; onProgress?: (done: number) => void }): Promise<LoadResult> {
  const { GatewayClient } = await import(join(ROOT, 'dist', 'gateway', 'client.js'));
  const clients = await Promise.all(Array.from({ length: options.sessions }, () => GatewayClient.connect(url, TOKEN)));
  const latencies: number[] = [];
  const starts: number[] = [];
  const failures: string[] = [];
  let sent = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client: any, index: number) => {
      let n = 0;
      let slot = started + (options.intervalMs * index) / options.sessions;
      while (sent < options.total) {
        if (options.intervalMs > 0) {
          const wait = slot - performance.now();
          if (wait > 0) await sleep(wait);
          slot += options.intervalMs;
        }
        if (sent >= options.total) break;
        sent++;
        n++;
        const t0 = performance.now();
        let lastError = '';
        // chat() follows the run from its acknowledgement on: no event is missed however frames batch.
        const run = client.chat({ key: `bench:dm:s${index}`, text: `s${index}-${options.prefix}${n}` }, (event: any) => {
          if (event.type === 'error' && !event.retryable) lastError = event.message;
        });
        // A run that never ends is a failure to report, not a bench that hangs.
        let timer: NodeJS.Timeout | undefined;
        const result = await Promise.race([
          run.done.catch((error: Error) => ({ status: error.message })),
          new Promise<{ status: string }>((resolve) => (timer = setTimeout(() => resolve({ status: `no done event within ${RUN_TIMEOUT_MS / 1000} s` }), RUN_TIMEOUT_MS))),
        ]);
        clearTimeout(timer);
        latencies.push(performance.now() - t0);
        starts.push(t0 - started);
        if (TRACE) TRACE.push(`${options.prefix}\t${index}\t${(t0 - began).toFixed(1)}\t${(performance.now() - t0).toFixed(1)}`);
        if (result.status !== 'ok') failures.push(lastError || result.status);
        done++;
        if (options.onProgress && done % CHECKPOINT === 0) options.onProgress(done);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const client of clients) client.close();
  return { latencies, starts, seconds, failures };
}

/** The same streamed Chat Completions call, straight to the fake provider, paced the same way. */
async function directLoad(providerUrl: string, total: number, concurrency: number, intervalMs: number): Promise<{ latencies: number[]; starts: number[] }> {
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ baseURL: providerUrl, apiKey: 'sk-bench', maxRetries: 0 });
  const latencies: number[] = [];
  const starts: number[] = [];
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, index) => {
      let slot = started + (intervalMs * index) / concurrency;
      while (sent < total) {
        const wait = slot - performance.now();
        if (wait > 0) await sleep(wait);
        slot += intervalMs;
        if (sent >= total) break;
        sent++;
        const t0 = performance.now();
        const stream = await client.chat.completions.create({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'hi' }] });
        for await (const _chunk of stream) {
          // drain
        }
        latencies.push(performance.now() - t0);
        starts.push(t0 - started);
      }
    }),
  );
  return { latencies, starts };
}

/** Latency percentiles of one stretch of a paced phase, through the gateway and straight to the provider. */
interface Window {
  p50: number;
  p99: number;
  d50: number;
  d99: number;
}

interface PacedResult {
  pace: number;
  messages: number;
  /** The rate the clients managed to send at. */
  achieved: number;
  /** Consecutive stretches of WINDOW_SECONDS, by when each message was sent. */
  windows: Window[];
  /** The whole phase. */
  all: Window;
  loop: { p99: number; max: number };
  /** Gateway CPU per message over the phase. */
  cpu: number;
  failures: string[];
}

const WINDOW_SECONDS = 10;

/**
 * `seconds` of messages at `pace` through the gateway without a pause, then the same rate straight
 * to the provider for as long; percentiles per 10 s window and for the whole phase.
 */
async function pacedLatency(url: string, pid: number, providerUrl: string, pace: number, prefix: string, seconds: number): Promise<PacedResult> {
  const intervalMs = (SESSIONS * 1000) / pace;
  const messages = quick ? Math.min(MESSAGES, pace * seconds) : pace * seconds;
  log(`latency: ${messages} messages at ${pace} msg/s, then the same rate straight to the provider`);
  await gatewayStatus(url); // starts the event-loop delay window
  const cpuBefore = cpuSeconds(pid);
  const paced = await gatewayLoad(url, { total: messages, sessions: SESSIONS, intervalMs, prefix });
  const cpu = ((cpuSeconds(pid) - cpuBefore) * 1000) / messages;
  const loop = (await gatewayStatus(url)).eventLoopDelayMs;
  const direct = await directLoad(providerUrl, messages, SESSIONS, intervalMs);
  const stretch = (from: number, to: number): Window => {
    const gateway = paced.latencies.filter((_, index) => paced.starts[index] >= from && paced.starts[index] < to);
    const straight = direct.latencies.filter((_, index) => direct.starts[index] >= from && direct.starts[index] < to);
    return { p50: percentile(gateway, 0.5), p99: percentile(gateway, 0.99), d50: percentile(straight, 0.5), d99: percentile(straight, 0.99) };
  };
  const count = Math.max(1, Math.round(messages / pace / WINDOW_SECONDS));
  const windows = Array.from({ length: count }, (_, index) => stretch(index * WINDOW_SECONDS * 1000, index === count - 1 ? Infinity : (index + 1) * WINDOW_SECONDS * 1000));
  return {
    pace,
    messages,
    achieved: messages / paced.seconds,
    windows,
    all: stretch(0, Infinity),
    loop,
    cpu,
    failures: paced.failures,
  };
}

/** Every session's transcript holds exactly its own messages, each once, in order. */
function audit(home: string, total: number): { lost: number; duplicated: number; crossed: number } {
  const dir = join(home, 'sessions');
  let users = 0;
  let duplicated = 0;
  let crossed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.jsonl')) continue;
    const [header, ...entries] = readFileSync(join(dir, name), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const owner = String(header.key).split(':')[2];
    const texts = entries.filter((entry) => entry.type === 'message' && entry.message.role === 'user').map((entry) => entry.message.text as string);
    users += texts.length;
    duplicated += texts.length - new Set(texts).size;
    crossed += texts.filter((text) => !text.startsWith(`${owner}-`)).length;
  }
  return { lost: Math.max(0, total - users), duplicated, crossed };
}

interface Row {
  metric: string;
  value: string;
  budget: string;
  verdict: string;
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'openclaw-bench-gateway-'));
  writeFileSync(join(home, 'config.json'), JSON.stringify({ gateway: { maxConcurrent: SESSIONS, sessionIdleSeconds: 3600 }, retry: { maxRetries: 0 } }));
  const provider = await startProvider();
  let gateway: { child: ChildProcess; url: string } | undefined;
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    gateway = await startGateway(home, provider.baseUrl);
    const pid = gateway.child.pid!;
    await sleep(1_000);
    const idle = rssMb(pid);
    log(`idle RSS ${idle.toFixed(1)} MB`);
    rows.push({ metric: 'idle RSS', value: `${idle.toFixed(1)} MB`, budget: '< 100 MB', verdict: idle < 100 ? 'PASS' : '**FAIL**' });

    log(`throughput: ${MESSAGES} messages over ${SESSIONS} sessions, closed loop`);
    const samples: Array<{ done: number; rss: number }> = [];
    const cpuBefore = cpuSeconds(pid);
    const providerCpuBefore = cpuSeconds(provider.child.pid!);
    const ownCpuBefore = process.cpuUsage();
    const load = await gatewayLoad(gateway.url, {
      total: MESSAGES,
      sessions: SESSIONS,
      intervalMs: 0,
      prefix: 't',
      onProgress: (done) => {
        const rss = rssMb(pid);
        samples.push({ done, rss });
        gatewayStatus(gateway!.url).then(({ memory, eventLoopDelayMs: delay }) =>
          log(`${done} messages, gateway RSS ${rss.toFixed(1)} MB, heap used/total ${(memory.heapUsedBytes / 1024 / 1024).toFixed(0)}/${(memory.heapTotalBytes / 1024 / 1024).toFixed(0)} MB, external ${(memory.externalBytes / 1024 / 1024).toFixed(0)} MB, event-loop delay p99 ${delay.p99} ms, max ${delay.max} ms`),
        );
      },
    });
    const cpuPerMessage = ((cpuSeconds(pid) - cpuBefore) * 1000) / MESSAGES;
    const providerCpuPerMessage = ((cpuSeconds(provider.child.pid!) - providerCpuBefore) * 1000) / MESSAGES;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const clientCpuPerMessage = (ownCpu.user + ownCpu.system) / 1000 / MESSAGES;
    const after = rssMb(pid);
    const rate = MESSAGES / load.seconds;
    const early = samples[0]?.rss ?? after;
    const growth = after / early;

    // Latency at the budget's rate (1,000 msg/s), then at half the measured throughput (at most
    // 1,000/s), in the sessions the throughput phase opened; each against the same rate straight to
    // the provider.
    await sleep(3_000); // let the saturated phase's garbage be collected: these phases measure a steady rate
    // The budget's rate, sustained for 30 s without a pause, judged on the median of its three
    // 10 s windows (each against the direct calls' same window): one window's p99 moves with this
    // shared machine (the direct calls' own p99 ranges 40-240 ms for a 20 ms provider). Then half the
    // measured throughput, after the 30 s of direct calls left the gateway idle.
    const budgetRate = await pacedLatency(gateway.url, pid, provider.baseUrl, 1000, 'k', quick ? 10 : 30);
    const halfRate = await pacedLatency(gateway.url, pid, provider.baseUrl, Math.max(10, Math.min(1000, Math.floor(rate / 2))), 'h', 10);
    const saturated50 = percentile(load.latencies, 0.5);
    const saturated99 = percentile(load.latencies, 0.99);
    const paced = [budgetRate, halfRate];
    const checked = audit(home, MESSAGES + paced.reduce((sum, phase) => sum + phase.messages, 0));
    const failures = [...load.failures, ...paced.flatMap((phase) => phase.failures)];

    rows.push({ metric: `throughput (${SESSIONS} sessions, ${PROVIDER_DELAY_MS} ms provider)`, value: `${rate.toFixed(0)} msg/s (gateway CPU ${cpuPerMessage.toFixed(2)} ms/msg)`, budget: '≥ 1,000 msg/s', verdict: rate >= 1000 ? 'PASS' : '**FAIL**' });
    rows.push({
      metric: `CPU per message: gateway / fake provider / ${SESSIONS} clients`,
      value: `${cpuPerMessage.toFixed(2)} / ${providerCpuPerMessage.toFixed(2)} / ${clientCpuPerMessage.toFixed(2)} ms (${(cpuPerMessage + providerCpuPerMessage + clientCpuPerMessage).toFixed(2)} ms on 2 cores)`,
      budget: 'info',
      verdict: '–',
    });
    for (const [phase, budget, after] of [[budgetRate, '< 50 ms', ''], [halfRate, 'info', ', after the gateway sat idle'], ] as const) {
      const { pace, windows } = phase;
      const several = windows.length > 1 ? ` for ${windows.length * WINDOW_SECONDS} s (median of ${windows.length} windows of ${WINDOW_SECONDS} s)` : '';
      const at = `at ${pace} msg/s${several}${after}`;
      const achieved = phase.achieved < pace * 0.97 ? ` (sent ${phase.achieved.toFixed(0)} msg/s)` : '';
      const pair = (gateway: number, direct: number) => `${(gateway - direct).toFixed(1)} (${gateway.toFixed(1)} vs ${direct.toFixed(1)} direct)`;
      const detail = (pick: (window: Window) => [number, number]) =>
        windows.length > 1 ? `; windows: ${windows.map((window) => pair(...pick(window))).join(', ')}; whole phase: ${pair(...pick(phase.all))}` : ` (${pick(phase.all)[0].toFixed(1)} vs ${pick(phase.all)[1].toFixed(1)} direct)`;
      const added50 = median(windows.map((window) => window.p50 - window.d50));
      rows.push({ metric: `added latency p50 ${at}`, value: `${added50.toFixed(1)} ms${detail((window) => [window.p50, window.d50])}${achieved}`, budget: 'info', verdict: '–' });
      const added = median(windows.map((window) => window.p99 - window.d99));
      rows.push({
        metric: `added latency p99 ${at}`,
        value: `${added.toFixed(1)} ms${detail((window) => [window.p99, window.d99])}${achieved}`,
        budget,
        verdict: budget === 'info' ? '–' : added < 50 && !achieved ? 'PASS' : '**FAIL**',
      });
      rows.push({ metric: `gateway event-loop delay p99 / max, CPU per message at ${pace} msg/s`, value: `${phase.loop.p99} / ${phase.loop.max} ms, ${phase.cpu.toFixed(2)} ms`, budget: 'info', verdict: '–' });
    }
    rows.push({ metric: 'latency p50 / p99 at saturation (closed loop)', value: `${saturated50.toFixed(0)} / ${saturated99.toFixed(0)} ms`, budget: 'info', verdict: '–' });
    rows.push({
      metric: `RSS after ${MESSAGES.toLocaleString('en')} messages`,
      value: `${after.toFixed(1)} MB (${growth.toFixed(2)}x the ${early.toFixed(1)} MB after ${samples[0]?.done ?? MESSAGES})`,
      budget: quick ? 'info (too short to judge with --quick)' : 'flat (≤ 1.5x)',
      verdict: quick ? '–' : growth <= 1.5 ? 'PASS' : '**FAIL**',
    });
    const clean = failures.length === 0 && checked.lost === 0 && checked.duplicated === 0 && checked.crossed === 0;
    rows.push({
      metric: 'lost / duplicated / crossed / failed',
      value: `${checked.lost} / ${checked.duplicated} / ${checked.crossed} / ${failures.length}`,
      budget: 'all 0',
      verdict: clean ? 'PASS' : '**FAIL**',
    });
    if (failures.length > 0) notes.push(`failed runs: ${[...new Set(failures)].slice(0, 3).join('; ')}`);
    notes.push(
      `Added latency is the gateway's percentile minus the same percentile of a streamed call made straight to the fake provider at the same rate; at saturation, latency is queueing.`,
    );
  } finally {
    if (gateway) {
      gateway.child.kill('SIGTERM');
      await new Promise((resolve) => gateway!.child.once('exit', resolve));
    }
    provider.child.kill();
    rmSync(home, { recursive: true, force: true });
  }

  const out = [
    `## Gateway (node ${process.version}, ${cpus().length} cores)`,
    '',
    '| metric | value | budget | verdict |',
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.metric} | ${row.value} | ${row.budget} | ${row.verdict} |`),
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (TRACE) writeFileSync(process.env.BENCH_GATEWAY_LATENCIES!, `${TRACE.join('\n')}\n`);
}

await main();
