/**
 * The benchmark runner: `npm run bench` (build, then `node bench/run.ts`).
 *
 * Every timing is a RATIO against a baseline measured in the same run, interleaved: baseline and
 * subject alternate (ABBA order) so that a noisy neighbour hurts both sides alike. Medians, not
 * means. The markdown table goes to stdout, progress to stderr, the same results as JSON to
 * bench/results.json. The exit status is 0 even when a budget fails: this is a report.
 *
 * Options: --runs <n> (pairs per process row, default 30 for start-up, 20 for chat),
 * --quick (fewer runs, smaller transcripts: a smoke test), --json <path> (where to write JSON).
 *
 * Erasable TypeScript only (Node runs this file by type stripping): no enums, namespaces or
 * parameter properties.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FakeProvider } from '../test/fixtures/fake-provider.ts';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const BARE = join(BENCH, 'bare-sdk-call.mjs');
const RESUME_PROBE = join(BENCH, 'resume-probe.mjs');
const NODE = process.execPath;

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const runsArg = optionValue('--runs');
const jsonPath = resolve(optionValue('--json') ?? join(BENCH, 'results.json'));
const RUNS_STARTUP = runsArg ? Number(runsArg) : quick ? 6 : 30;
const RUNS_CHAT = runsArg ? Number(runsArg) : quick ? 5 : 20;
const WARMUP = quick ? 1 : 3;
const APPEND_BATCH = 1_000;
const APPEND_ROUNDS = quick ? 10 : 30;
const BIG_TRANSCRIPT = quick ? 20_000 : 100_000;
const RESUME_MESSAGES = 10_000;
const RESUME_RUNS = quick ? 3 : 9;
const RSS_RUNS = quick ? 2 : 5;
const EXTEND_MAX = quick ? 0 : 2;

function optionValue(name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Results

interface Stats {
  n: number;
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}

interface Row {
  id: string;
  measurement: string;
  unit: string;
  baseline?: string;
  baselineStats?: Stats;
  subjectStats?: Stats;
  /** Ratio of medians (subject / baseline), for ratio rows. */
  ratio?: number;
  /** Median of the per-pair ratios: a cross-check that is less sensitive to drift. */
  pairedRatio?: number;
  /** Interquartile range of the per-pair ratios: how noisy single runs were. */
  pairedRatioIqr?: [number, number];
  /** 95% bootstrap confidence interval of `ratio`: when it contains the budget, noise decides the verdict. */
  ratioCi?: [number, number];
  /** The budget, as a number, for ratio rows. */
  budgetRatio?: number;
  /** For value rows (bytes, ms, MB). */
  value?: number;
  budget: string;
  /** true pass, false FAIL, null informational or not measured. */
  pass: boolean | null;
  note?: string;
  error?: string;
  extra?: Record<string, unknown>;
}

const rows: Row[] = [];
const started = Date.now();

function log(message: string): void {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    if (sorted.length === 0) return NaN;
    const position = (sorted.length - 1) * q;
    const low = Math.floor(position);
    const high = Math.ceil(position);
    return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
  };
  return { n: sorted.length, median: at(0.5), p25: at(0.25), p75: at(0.75), min: sorted[0], max: sorted[sorted.length - 1] };
}

/**
 * A 95% bootstrap confidence interval of the ratio of medians, resampling pairs (so a noisy
 * moment that hit both sides stays paired). Seeded: the same samples give the same interval.
 */
function ratioInterval(baseline: number[], subject: number[], resamples = 2000): [number, number] {
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const n = baseline.length;
  const ratios: number[] = [];
  const b = new Array<number>(n);
  const s = new Array<number>(n);
  for (let round = 0; round < resamples; round++) {
    for (let index = 0; index < n; index++) {
      const pick = Math.floor(random() * n);
      b[index] = baseline[pick];
      s[index] = subject[pick];
    }
    ratios.push(stats(s).median / stats(b).median);
  }
  const sorted = ratios.sort((x, y) => x - y);
  return [sorted[Math.floor(resamples * 0.025)], sorted[Math.ceil(resamples * 0.975) - 1]];
}

// ---------------------------------------------------------------------------------------------
// Subprocesses: always asynchronous. The fake provider lives in this process, so a spawnSync
// would block the event loop that has to answer the child's request.

interface RunResult {
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Command {
  label: string;
  file: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Throws when a run's output shows it did not do the work (wrong exit code, missing text). */
  check?: (result: RunResult) => void;
  /** Runs before every invocation (not timed), e.g. to note the request count. */
  before?: () => void;
}

function run(command: Command, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    command.before?.();
    const start = process.hrtime.bigint();
    const child = spawn(command.file, command.args, {
      cwd: command.cwd ?? ROOT,
      env: command.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      resolvePromise({ ms, code, signal, stdout, stderr });
    });
  });
}

async function runChecked(command: Command): Promise<RunResult> {
  const result = await run(command);
  const fail = (why: string) => {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${command.label}: ${why}${tail ? ` (${tail.slice(0, 300)})` : ''}`);
  };
  if (result.signal) fail(`killed by ${result.signal}`);
  if (command.check) {
    try {
      command.check(result);
    } catch (error) {
      fail((error as Error).message);
    }
  } else if (result.code !== 0) fail(`exit ${result.code}`);
  return result;
}

function expectExit(code: number, stdoutPattern?: RegExp): (result: RunResult) => void {
  return (result) => {
    if (result.code !== code) throw new Error(`exit ${result.code}, expected ${code}`);
    if (stdoutPattern && !stdoutPattern.test(result.stdout)) throw new Error(`unexpected stdout ${JSON.stringify(result.stdout.slice(0, 80))}`);
  };
}

/**
 * Baseline and subject alternately (ABBA), after a warm-up of each; medians and their ratio.
 * When a budget is given and it lies inside the 95% confidence interval of the ratio (noise
 * would decide the verdict), up to EXTEND_MAX more batches of `runs` pairs are measured.
 */
async function compare(
  baseline: Command,
  subject: Command,
  runs: number,
  budget?: number,
): Promise<{ baseline: Stats; subject: Stats; ratio: number; paired: Stats; ci: [number, number]; extended: number }> {
  for (let index = 0; index < WARMUP; index++) {
    await runChecked(baseline);
    await runChecked(subject);
  }
  const baselineMs: number[] = [];
  const subjectMs: number[] = [];
  const batch = async () => {
    for (let index = 0; index < runs; index++) {
      if (index % 2 === 0) {
        baselineMs.push((await runChecked(baseline)).ms);
        subjectMs.push((await runChecked(subject)).ms);
      } else {
        subjectMs.push((await runChecked(subject)).ms);
        baselineMs.push((await runChecked(baseline)).ms);
      }
    }
  };
  const summary = () => {
    const b = stats(baselineMs);
    const s = stats(subjectMs);
    return {
      baseline: b,
      subject: s,
      ratio: s.median / b.median,
      paired: stats(subjectMs.map((ms, index) => ms / baselineMs[index])),
      ci: ratioInterval(baselineMs, subjectMs),
    };
  };
  await batch();
  let result = summary();
  let extended = 0;
  while (budget !== undefined && extended < EXTEND_MAX && result.ci[0] <= budget && budget <= result.ci[1]) {
    extended++;
    log(`  borderline (${result.ratio.toFixed(2)}x, 95% CI ${result.ci[0].toFixed(2)}–${result.ci[1].toFixed(2)}): ${runs} more pairs`);
    await batch();
    result = summary();
  }
  return { ...result, extended };
}

async function ratioRow(id: string, measurement: string, baseline: Command, subject: Command, runs: number, budget: number, note?: string, informational = false): Promise<void> {
  log(`${measurement}: ${runs} interleaved runs each`);
  try {
    const result = await compare(baseline, subject, runs, informational ? undefined : budget);
    rows.push({
      id,
      measurement,
      unit: 'ms',
      baseline: baseline.label,
      baselineStats: result.baseline,
      subjectStats: result.subject,
      ratio: result.ratio,
      pairedRatio: result.paired.median,
      pairedRatioIqr: [result.paired.p25, result.paired.p75],
      ratioCi: result.ci,
      budgetRatio: budget,
      budget: informational ? `info (≤ ${budget}x)` : `≤ ${budget}x`,
      pass: informational ? null : result.ratio <= budget,
      note: [result.extended > 0 ? `borderline after ${runs} pairs, extended to ${result.subject.n}` : '', note ?? ''].filter(Boolean).join('; ') || undefined,
    });
    log(`  ${result.baseline.median.toFixed(1)} ms vs ${result.subject.median.toFixed(1)} ms: ${result.ratio.toFixed(2)}x`);
  } catch (error) {
    rows.push({ id, measurement, unit: 'ms', baseline: baseline.label, budget: `≤ ${budget}x`, pass: false, error: (error as Error).message });
    log(`  ERROR ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Process rows: start-up and one `chat -p` turn against the loopback fake provider

const scratch = mkdtempSync(join(tmpdir(), 'openclaw-bench-'));

/**
 * The bench runs a snapshot of bin/, dist/ and completions/ taken when it starts (node_modules and skills/ are
 * linked), so that someone rebuilding dist/ in the same checkout cannot change or break the
 * build under measurement halfway through.
 */
const SNAPSHOT = join(scratch, 'openclaw');
function takeSnapshot(): void {
  mkdirSync(SNAPSHOT);
  for (const name of ['bin', 'dist', 'completions']) cpSync(join(ROOT, name), join(SNAPSHOT, name), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(SNAPSHOT, 'package.json'));
  for (const name of ['node_modules', 'skills']) if (existsSync(join(ROOT, name))) symlinkSync(join(ROOT, name), join(SNAPSHOT, name), 'dir');
}
const CLI = join(SNAPSHOT, 'bin', 'openclaw');
const DIST = join(SNAPSHOT, 'dist');
const baseEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
for (const name of ['OPENCLAW_PROVIDER', 'OPENCLAW_MODEL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'NODE_OPTIONS']) delete baseEnv[name];

const nodeE0: Command = { label: 'node -e 0', file: NODE, args: ['-e', '0'], env: baseEnv };

async function startupRows(): Promise<void> {
  const home = join(scratch, 'home-startup');
  mkdirSync(home);
  const env = { ...baseEnv, OPENCLAW_HOME: home };
  await ratioRow(
    'version',
    '`openclaw --version` vs `node -e 0`',
    nodeE0,
    { label: 'openclaw --version', file: NODE, args: [CLI, '--version'], env, check: expectExit(0, /^\d+\.\d+\.\d+/) },
    RUNS_STARTUP,
    1.5,
  );
  await ratioRow(
    'help',
    '`openclaw --help` vs `node -e 0`',
    nodeE0,
    { label: 'openclaw --help', file: NODE, args: [CLI, '--help'], env, check: expectExit(0, /Usage: openclaw/) },
    RUNS_STARTUP,
    1.5,
  );
  // `completion` has the same budget; measured once it exists.
  const probe = await run({ label: 'openclaw completion bash', file: NODE, args: [CLI, 'completion', 'bash'], env });
  if (probe.code === 0) {
    await ratioRow(
      'completion',
      '`openclaw completion bash` vs `node -e 0`',
      nodeE0,
      { label: 'openclaw completion bash', file: NODE, args: [CLI, 'completion', 'bash'], env, check: expectExit(0, /\S/) },
      RUNS_STARTUP,
      1.5,
    );
  } else {
    rows.push({ id: 'completion', measurement: '`openclaw completion bash` vs `node -e 0`', unit: 'ms', budget: '≤ 1.5x', pass: null, note: `not measured: the command exits ${probe.code} (not implemented yet?)` });
  }
}

async function chatRows(fake: FakeProvider): Promise<void> {
  const homeNoSession = join(scratch, 'home-nosession');
  const homeSession = join(scratch, 'home-session');
  const work = join(scratch, 'work');
  for (const dir of [homeNoSession, homeSession, work]) mkdirSync(dir);
  const providerEnv = { ...baseEnv, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench' };

  let requestsBefore = 0;
  const expectOneRequest = (result: RunResult) => {
    if (result.code !== 0) throw new Error(`exit ${result.code}`);
    if (!/hello/.test(result.stdout)) throw new Error(`stdout lacks the answer: ${JSON.stringify(result.stdout.slice(0, 80))}`);
    const made = fake.requests.length - requestsBefore;
    if (made !== 1) throw new Error(`made ${made} provider requests, expected 1`);
  };
  const before = () => {
    requestsBefore = fake.requests.length;
  };
  const chatNoSession: Command = {
    label: 'openclaw chat -p hi --no-session',
    file: NODE,
    args: [CLI, 'chat', '-p', 'hi', '--no-session'],
    env: { ...providerEnv, OPENCLAW_HOME: homeNoSession },
    cwd: work,
    before,
    check: expectOneRequest,
  };
  const chatSession: Command = {
    label: 'openclaw chat -p hi',
    file: NODE,
    args: [CLI, 'chat', '-p', 'hi'],
    env: { ...providerEnv, OPENCLAW_HOME: homeSession },
    cwd: work,
    before,
    check: expectOneRequest,
  };

  // 4. First request size (also the first warm-up of the chat path).
  log('first request size of `chat -p hi --no-session`');
  let model = 'gpt-5.4-mini';
  try {
    await runChecked(chatNoSession);
    const request = fake.requests[fake.requests.length - 1];
    model = request.body.model ?? model;
    const body = request.body as { messages?: Array<{ role: string; content: unknown }>; tools?: Array<{ function?: { name?: string } }> };
    const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? null));
    const systemBytes = size((body.messages ?? []).filter((message) => message.role === 'system'));
    const otherMessagesBytes = size((body.messages ?? []).filter((message) => message.role !== 'system'));
    const toolsBytes = size(body.tools ?? []);
    const perTool = Object.fromEntries((body.tools ?? []).map((tool) => [tool.function?.name ?? '?', size(tool)]));
    rows.push({
      id: 'first-request',
      measurement: 'first request body, `chat -p hi --no-session`',
      unit: 'bytes',
      value: request.bytes,
      budget: '< 8192 B',
      pass: request.bytes < 8192,
      note: `system ${systemBytes} B, tools ${toolsBytes} B (${(body.tools ?? []).length} tools), other messages ${otherMessagesBytes} B`,
      extra: { api: request.api, path: request.path, systemBytes, toolsBytes, otherMessagesBytes, perTool },
    });
    log(`  ${request.bytes} bytes (system ${systemBytes}, tools ${toolsBytes})`);
  } catch (error) {
    rows.push({ id: 'first-request', measurement: 'first request body, `chat -p hi --no-session`', unit: 'bytes', budget: '< 8192 B', pass: false, error: (error as Error).message });
    log(`  ERROR ${(error as Error).message}`);
  }

  const bare: Command = {
    label: 'bare SDK streamed call (bench/bare-sdk-call.mjs)',
    file: NODE,
    args: [BARE, 'hi'],
    env: { ...providerEnv, BENCH_MODEL: model },
    cwd: work,
    before,
    check: expectOneRequest,
  };
  // 3. One turn, without and with a session.
  await ratioRow('chat-no-session', '`chat -p hi --no-session` vs bare SDK call', bare, chatNoSession, RUNS_CHAT, 1.25);
  await ratioRow('chat-session', '`chat -p hi` (writes a session) vs bare SDK call', bare, chatSession, RUNS_CHAT, 1.25);
  // Informational: bin/openclaw turns on Node's compile cache, which saves the SDK's own load
  // time too; against a baseline with the cache on as well, the ratio is openclaw's own cost.
  const bareCached: Command = { ...bare, label: 'bare SDK call with the compile cache on', env: { ...bare.env, BENCH_COMPILE_CACHE: '1' } };
  await ratioRow('chat-no-session-cc', '`chat -p hi --no-session` vs bare SDK call with compile cache (info)', bareCached, chatNoSession, RUNS_CHAT, 1.25, 'informational: both sides use the compile cache, so the ratio is openclaw\'s own overhead', true);

  // 6. Peak RSS (informational), with GNU time's %M (max resident set, KB).
  const gnuTime = ['/usr/bin/time', '/bin/time'].find((path) => existsSync(path));
  if (!gnuTime) {
    rows.push({ id: 'rss', measurement: 'peak RSS, `chat -p hi --no-session`', unit: 'MB', budget: 'info', pass: null, note: 'skipped: /usr/bin/time not found' });
    return;
  }
  log(`peak RSS: ${RSS_RUNS} runs each with ${gnuTime} -f %M`);
  try {
    const marker = '@@maxrss=';
    const timed = (command: Command): Command => ({
      ...command,
      label: `${command.label} (under time)`,
      file: gnuTime,
      args: ['-f', `${marker}%M`, command.file, ...command.args],
    });
    const rssOf = (result: RunResult) => {
      const match = new RegExp(`${marker}(\\d+)`).exec(result.stderr);
      if (!match) throw new Error('no %M output from time');
      return Number(match[1]) / 1024;
    };
    const bareRss: number[] = [];
    const chatRss: number[] = [];
    for (let index = 0; index < RSS_RUNS; index++) {
      bareRss.push(rssOf(await runChecked(timed(bare))));
      chatRss.push(rssOf(await runChecked(timed(chatNoSession))));
    }
    const b = stats(bareRss);
    const s = stats(chatRss);
    rows.push({
      id: 'rss',
      measurement: 'peak RSS, `chat -p hi --no-session` vs bare SDK call',
      unit: 'MB',
      baseline: bare.label,
      baselineStats: b,
      subjectStats: s,
      value: s.median,
      ratio: s.median / b.median,
      budget: 'info',
      pass: null,
    });
    log(`  ${b.median.toFixed(1)} MB vs ${s.median.toFixed(1)} MB`);
  } catch (error) {
    rows.push({ id: 'rss', measurement: 'peak RSS, `chat -p hi --no-session`', unit: 'MB', budget: 'info', pass: null, error: (error as Error).message });
  }
}

// ---------------------------------------------------------------------------------------------
// Store rows: transcript append cost and resume time, through the built dist/ modules

/** A typical assistant turn: some text, one tool call, usage. About 450 bytes as a line. */
function typicalAssistant(index: number) {
  return {
    type: 'message' as const,
    message: {
      role: 'assistant' as const,
      parts: [
        { type: 'text' as const, text: `Looking at the file now (step ${index}); I will read it and then make the smallest edit that fixes the failing test.` },
        { type: 'tool_call' as const, id: `call_${index}`, name: 'read', argsText: JSON.stringify({ path: `src/module-${index % 97}.ts` }) },
      ],
      stopReason: 'tool_use' as const,
      provider: 'openai',
      model: 'gpt-5.4-mini',
      usage: { input: 1200 + index, output: 85, cacheRead: 1024, cacheWrite: 0 },
    },
  };
}

/** One message of a realistic mix: user, assistant with a tool call, its tool result (~1 KB). */
function mixedEntry(index: number) {
  const kind = index % 4;
  if (kind === 0) return { type: 'message' as const, message: { role: 'user' as const, text: `Please look at issue ${index} and fix the failing test in src/module-${index % 97}.ts.` } };
  if (kind === 1) return typicalAssistant(index - 1);
  if (kind === 2) {
    return {
      type: 'message' as const,
      message: { role: 'tool' as const, toolCallId: `call_${index - 2}`, toolName: 'read', content: `export function f${index}(x: number): number {\n  return x * 2;\n}\n`.repeat(18), isError: false },
      audit: { decision: { decision: 'allow' as const, by: 'mode' as const, why: 'reads are free in ask mode' }, durationMs: 2, touched: [`src/module-${index % 97}.ts`] },
    };
  }
  return {
    type: 'message' as const,
    message: { role: 'assistant' as const, parts: [{ type: 'text' as const, text: `Done with step ${index}: the function now doubles its input and the test passes.` }], stopReason: 'stop' as const, provider: 'openai', model: 'gpt-5.4-mini', usage: { input: 1500, output: 40, cacheRead: 1024, cacheWrite: 0 } },
  };
}

function fileLine(entry: object, index: number): string {
  return `${JSON.stringify({ id: `e${index.toString(16).padStart(8, '0')}`, parentId: index === 0 ? null : `e${(index - 1).toString(16).padStart(8, '0')}`, ts: new Date(1_760_000_000_000 + index * 1000).toISOString(), ...entry })}\n`;
}

function header(id: string) {
  return { type: 'session' as const, version: 1 as const, id, created: new Date().toISOString(), cwd: scratch };
}

async function transcriptRows(): Promise<void> {
  const transcript = (await import(pathToFileURL(join(DIST, 'store', 'transcript.js')).href)) as typeof import('../src/store/transcript.ts');
  const dir = join(scratch, 'transcripts');
  mkdirSync(dir);

  // 5a. Append cost at entry 100,000 vs at entry 10.
  const measurement = `append ${APPEND_BATCH.toLocaleString('en')} entries at entry ${BIG_TRANSCRIPT.toLocaleString('en')} vs at entry 10`;
  log(`${measurement}: building a ${BIG_TRANSCRIPT.toLocaleString('en')}-entry transcript`);
  try {
    const bigPath = join(dir, 'big.jsonl');
    const lines: string[] = [`${JSON.stringify(header('big'))}\n`];
    // every tool call has its result: nothing for load to repair
    for (let index = 0; index < BIG_TRANSCRIPT; index++) lines.push(fileLine(mixedEntry(index), index));
    writeFileSync(bigPath, lines.join(''));
    lines.length = 0;
    const loadStart = process.hrtime.bigint();
    const loaded = transcript.readTranscript(bigPath);
    const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
    if (loaded.entries.length !== BIG_TRANSCRIPT) throw new Error(`readTranscript found ${loaded.entries.length} entries, expected ${BIG_TRANSCRIPT}`);
    const big = transcript.TranscriptWriter.resume(bigPath, loaded);
    loaded.entries.length = 0;

    const newSmall = (round: number) => {
      const writer = transcript.TranscriptWriter.create(join(dir, `small-${round}.jsonl`), header(`small-${round}`));
      for (let index = 0; index < 10; index++) writer.append(typicalAssistant(index));
      return writer;
    };
    const batch = (writer: { append: (entry: ReturnType<typeof typicalAssistant>) => unknown }) => {
      const start = process.hrtime.bigint();
      for (let index = 0; index < APPEND_BATCH; index++) writer.append(typicalAssistant(index));
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    // warm-up (JIT) on a throwaway transcript
    const warm = newSmall(-1);
    batch(warm);
    warm.close();
    const smallMs: number[] = [];
    const bigMs: number[] = [];
    for (let round = 0; round < APPEND_ROUNDS; round++) {
      const small = newSmall(round);
      if (round % 2 === 0) {
        smallMs.push(batch(small));
        bigMs.push(batch(big));
      } else {
        bigMs.push(batch(big));
        smallMs.push(batch(small));
      }
      small.close();
    }
    big.close();
    const s = stats(smallMs);
    const b = stats(bigMs);
    const ratio = b.median / s.median;
    const paired = stats(bigMs.map((ms, index) => ms / smallMs[index]));
    rows.push({
      id: 'append',
      measurement,
      unit: 'ms',
      baseline: `at entry 10 (fresh transcript per batch)`,
      baselineStats: s,
      subjectStats: b,
      ratio,
      pairedRatio: paired.median,
      pairedRatioIqr: [paired.p25, paired.p75],
      ratioCi: ratioInterval(smallMs, bigMs),
      budgetRatio: 1.5,
      budget: '≤ 1.5x',
      pass: ratio <= 1.5,
      note: `TranscriptWriter.append, ${APPEND_ROUNDS} interleaved batches; readTranscript of the ${BIG_TRANSCRIPT.toLocaleString('en')}-entry file took ${loadMs.toFixed(0)} ms`,
    });
    log(`  ${s.median.toFixed(2)} ms vs ${b.median.toFixed(2)} ms per ${APPEND_BATCH}: ${ratio.toFixed(2)}x`);
    rmSync(bigPath, { force: true });
  } catch (error) {
    rows.push({ id: 'append', measurement, unit: 'ms', budget: '≤ 1.5x', pass: false, error: (error as Error).message });
    log(`  ERROR ${(error as Error).message}`);
  }

  // 5b. Resuming a 10,000-message session, each run in a fresh process (cold JIT, warm page
  // cache): the probe times readTranscript, SessionStore.open and, as a baseline, splitting
  // the same file and JSON.parse-ing every line.
  log(`resume a ${RESUME_MESSAGES.toLocaleString('en')}-message session: ${RESUME_RUNS} fresh processes`);
  try {
    const home = join(scratch, 'home-resume');
    const id = '20260101-000000-bench1';
    const sessions = (await import(pathToFileURL(join(DIST, 'store', 'sessions.js')).href)) as typeof import('../src/store/sessions.ts');
    const paths = (await import(pathToFileURL(join(DIST, 'store', 'paths.js')).href)) as typeof import('../src/store/paths.ts');
    const store = new sessions.SessionStore(paths.storePaths(home));
    const session = await store.create({ cwd: scratch, provider: 'openai', model: 'gpt-5.4-mini', title: 'bench', id });
    for (let index = 0; index < RESUME_MESSAGES; index++) session.append(mixedEntry(index) as never);
    session.close();
    const file = store.transcriptPath(id);
    const samples: Record<string, number[]> = { parse: [], read: [], open: [] };
    const modes = Object.keys(samples);
    const probe = async (mode: string) => {
      const result = await runChecked({ label: `resume probe (${mode})`, file: NODE, args: [RESUME_PROBE, mode, home, id, DIST], env: baseEnv });
      const probed = JSON.parse(result.stdout) as { ms: number; entries: number };
      if (probed.entries !== RESUME_MESSAGES) throw new Error(`the ${mode} probe loaded ${probed.entries} entries, expected ${RESUME_MESSAGES}`);
      return probed.ms;
    };
    for (const mode of modes) await probe(mode); // warm-up: page cache, compile cache
    for (let index = 0; index < RESUME_RUNS; index++) {
      const order = index % 2 === 0 ? modes : [...modes].reverse();
      for (const mode of order) samples[mode].push(await probe(mode));
    }
    const parse = samples.parse;
    const read = samples.read;
    const open = samples.open;
    const p = stats(parse);
    const r = stats(read);
    const o = stats(open);
    const { size } = statSync(file);
    rows.push({
      id: 'resume-read',
      measurement: `resume a ${RESUME_MESSAGES.toLocaleString('en')}-message session: \`readTranscript\` (vs split + JSON.parse per line)`,
      unit: 'ms',
      baseline: 'split + JSON.parse of every line',
      baselineStats: p,
      subjectStats: r,
      value: r.median,
      ratio: r.median / p.median,
      budget: '< 300 ms',
      pass: r.median < 300,
      note: `${(size / 1e6).toFixed(1)} MB transcript, fresh process per run`,
    });
    rows.push({
      id: 'resume-open',
      measurement: `resume a ${RESUME_MESSAGES.toLocaleString('en')}-message session: \`SessionStore.open\` (vs split + JSON.parse per line)`,
      unit: 'ms',
      baseline: 'split + JSON.parse of every line',
      baselineStats: p,
      subjectStats: o,
      value: o.median,
      ratio: o.median / p.median,
      budget: '< 300 ms',
      pass: o.median < 300,
      note: 'index lookup + writer lock + readTranscript + repair + writer; each sample a fresh process timing only this call',
    });
    log(`  parse ${p.median.toFixed(1)} ms, readTranscript ${r.median.toFixed(1)} ms, open ${o.median.toFixed(1)} ms`);
  } catch (error) {
    rows.push({ id: 'resume-read', measurement: `resume a ${RESUME_MESSAGES.toLocaleString('en')}-message session`, unit: 'ms', budget: '< 300 ms', pass: false, error: (error as Error).message });
    log(`  ERROR ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function fmt(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (unit === 'bytes') return `${Math.round(value)} B`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

function verdict(row: Row): string {
  if (row.error) return '**ERROR**';
  if (row.pass === null) return row.budget.startsWith('info') ? 'info' : 'n/a';
  const verdict = row.pass ? 'pass' : '**FAIL**';
  // When the budget lies inside the confidence interval of the ratio, noise decides.
  const ci = row.ratioCi;
  const borderline = ci !== undefined && row.budgetRatio !== undefined && ci[0] <= row.budgetRatio && row.budgetRatio <= ci[1];
  return borderline ? `${verdict} (borderline)` : verdict;
}

function markdown(): string {
  const lines = [
    '| measurement | baseline median | subject median | ratio (or value) | budget | result |',
    '|---|---:|---:|---:|---|---|',
  ];
  for (const row of rows) {
    let result: string;
    if (row.error) result = '–';
    else if (row.unit === 'bytes') result = fmt(row.value, 'bytes');
    else if (row.budget.startsWith('<') || row.id === 'rss') result = `${fmt(row.value, row.unit)}${row.ratio !== undefined ? ` (${row.ratio.toFixed(2)}x)` : ''}`;
    else if (row.ratio !== undefined) result = `**${row.ratio.toFixed(2)}x**`;
    else result = '–';
    const name = row.measurement;
    lines.push(`| ${name} | ${fmt(row.baselineStats?.median, row.unit)} | ${row.unit === 'bytes' ? fmt(row.value, 'bytes') : fmt(row.subjectStats?.median, row.unit)} | ${result} | ${row.budget} | ${verdict(row)} |`);
  }
  const notes = rows.filter((row) => row.note || row.error || row.pairedRatio !== undefined);
  if (notes.length > 0) {
    lines.push('', 'Notes:');
    for (const row of notes) {
      const parts: string[] = [];
      if (row.error) parts.push(`ERROR: ${row.error}`);
      if (row.baselineStats && row.subjectStats && row.unit === 'ms') {
        parts.push(`n=${row.subjectStats.n}; IQR baseline ${fmt(row.baselineStats.p25, 'ms')}–${fmt(row.baselineStats.p75, 'ms')}, subject ${fmt(row.subjectStats.p25, 'ms')}–${fmt(row.subjectStats.p75, 'ms')}`);
      }
      if (row.ratioCi) parts.push(`ratio 95% CI ${row.ratioCi[0].toFixed(2)}–${row.ratioCi[1].toFixed(2)}`);
      if (row.pairedRatio !== undefined) {
        const iqr = row.pairedRatioIqr ? ` (IQR ${row.pairedRatioIqr[0].toFixed(2)}–${row.pairedRatioIqr[1].toFixed(2)})` : '';
        parts.push(`median of paired ratios ${row.pairedRatio.toFixed(2)}x${iqr}`);
      }
      if (row.note) parts.push(row.note);
      lines.push(`- ${row.id}: ${parts.join('; ')}`);
    }
  }
  return lines.join('\n');
}

function gitCommit(): string | undefined {
  try {
    // synchronous is fine here: the fake provider is not running yet
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    process.stderr.write('bench: dist/ is missing; run `npm run bench` (it builds first)\n');
    process.exitCode = 2;
    return;
  }
  const commit = gitCommit();
  takeSnapshot();
  log(`node ${process.version}, ${cpus().length} cpus, load ${loadavg().map((value) => value.toFixed(2)).join(' ')}${commit ? `, commit ${commit}` : ''}${quick ? ', --quick' : ''}`);
  const fake = await FakeProvider.start();
  fake.fallback = () => ({ text: 'hello' });
  try {
    await startupRows();
    await chatRows(fake);
  } finally {
    await fake.close();
  }
  await transcriptRows();

  const table = markdown();
  const report = {
    date: new Date().toISOString(),
    commit,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadavg: loadavg(),
    quick,
    durationS: Math.round((Date.now() - started) / 100) / 10,
    rows,
  };
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`## openclaw bench (${report.date}${commit ? `, ${commit}` : ''}, node ${process.version}, ${report.cpus} cpus, ${report.durationS}s)\n\n${table}\n`);
  const failed = rows.filter((row) => row.pass === false);
  log(`${failed.length === 0 ? 'all budgets met' : `${failed.length} over budget or failed: ${failed.map((row) => row.id).join(', ')}`}; JSON in ${jsonPath}`);
}

process.once('SIGINT', () => {
  rmSync(scratch, { recursive: true, force: true });
  process.exit(130);
});
try {
  await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
