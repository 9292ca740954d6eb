/**
 * The TUI benchmark: `npm run build`, then `node bench/tui.ts`.
 *
 * Streams 5,000 tokens at 500 tokens a second from the loopback fake provider into `openclaw
 * chat` running in a real pseudo-terminal (a tmux pane), and reports the CPU time of the openclaw
 * process (utime + stime from /proc/<pid>/stat) against the wall time of the stream, the bytes it
 * wrote to the terminal per token, how many frames that was, and whether it ever cleared the
 * screen or the scrollback. Budget (DESIGN.md): under half a core, never a clear. A last row runs
 * the same stream through print mode, for what the SDK and the agent cost without the TUI.
 *
 * Options: --tokens <n> (default 5000), --rate <tokens/s> (default 500).
 * Erasable TypeScript only (Node runs this file by type stripping). Needs tmux and Linux /proc.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { FakeProvider } from '../test/fixtures/fake-provider.ts';
import { tempDir } from '../test/helpers/cli.ts';
import { OPENCLAW_BIN, TmuxPane } from '../test/tui/tmux.ts';

const argv = process.argv.slice(2);
const TOKENS = Number(optionValue('--tokens') ?? 5000);
const RATE = Number(optionValue('--rate') ?? 500);
const END = 'END-OF-BENCHMARK-ANSWER';

function optionValue(name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

/** A Markdown answer of about `tokens` tokens (4 characters each): paragraphs, lists, code. */
function answerText(tokens: number): string {
  const words = ['the', 'agent', 'reads', 'files', 'runs', 'commands', 'and', 'keeps', 'working', 'until', 'done', 'with', 'tools', 'policy', 'session'];
  const parts: string[] = [];
  let length = 0;
  for (let section = 0; length < tokens * 4; section++) {
    const paragraph = Array.from({ length: 60 }, (_, index) => words[(index * 7 + section) % words.length]).join(' ');
    const part =
      section % 4 === 3
        ? `\`\`\`ts\n${Array.from({ length: 12 }, (_, index) => `const value${index} = compute(${index}, "${words[index % words.length]}");`).join('\n')}\n\`\`\``
        : section % 4 === 2
          ? Array.from({ length: 6 }, (_, index) => `- item ${index + 1}: **${words[index]}** and \`${words[index + 1]}\``).join('\n')
          : `## Section ${section + 1}\n\n${paragraph}.`;
    parts.push(part);
    length += part.length + 2;
  }
  // Exactly four characters a token, so the fake provider's deltas are the tokens.
  const body = parts.join('\n\n').slice(0, tokens * 4 - END.length - 2);
  return `${body}\n\n${END}`;
}

function cpuTicks(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function clockTicks(): Promise<number> {
  return new Promise((resolve) => execFile('getconf', ['CLK_TCK'], (error, stdout) => resolve(error ? 100 : Number(stdout.trim()) || 100)));
}

interface Result {
  terminal: string;
  tokens: number;
  wallSeconds: number;
  cpuSeconds: number;
  cores: number;
  bytes: number;
  frames: number;
  clears: number;
}

async function measure(fake: FakeProvider, columns: number, rows: number, ticksPerSecond: number): Promise<Result> {
  const home = tempDir('openclaw-bench-tui-home-');
  const work = tempDir('openclaw-bench-tui-work-');
  writeFileSync(`${home.path}/config.json`, '{}');
  const text = answerText(TOKENS);
  fake.script({ text, chunks: TOKENS, chunkDelayMs: 1000 / RATE });
  const pane = await TmuxPane.start({
    args: ['chat'],
    cwd: work.path,
    columns,
    rows,
    env: { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench-0123456789' },
  });
  try {
    await pane.waitForKeyboard(20_000);
    const pid = await pane.pid();
    const bytesBefore = statSync(pane.rawLog).size;
    const rawBefore = pane.raw().length;
    const cpuBefore = cpuTicks(pid);
    const started = performance.now();
    await pane.type('write the long answer');
    await pane.press('Enter');
    await pane.waitFor(END, { timeoutMs: (TOKENS / RATE) * 1000 * 3 + 20_000 });
    const wallSeconds = (performance.now() - started) / 1000;
    const cpuSeconds = (cpuTicks(pid) - cpuBefore) / ticksPerSecond;
    const raw = pane.raw().slice(rawBefore);
    await pane.press('C-d');
    return {
      terminal: `${columns}x${rows}`,
      tokens: TOKENS,
      wallSeconds,
      cpuSeconds,
      cores: cpuSeconds / wallSeconds,
      bytes: statSync(pane.rawLog).size - bytesBefore,
      frames: raw.split('\u001b[?2026h').length - 1,
      clears: raw.split('\u001b[2J').length - 1 + raw.split('\u001b[3J').length - 1,
    };
  } finally {
    await pane.close();
    home.cleanup();
    work.cleanup();
  }
}

/**
 * The same stream through print mode (`chat -p`, no TUI), for reference: what the provider SDK
 * and the agent cost before anything is drawn. Its CPU includes start-up.
 */
async function measurePrintMode(fake: FakeProvider, ticksPerSecond: number): Promise<{ wallSeconds: number; cpuSeconds: number }> {
  const home = tempDir('openclaw-bench-tui-print-');
  writeFileSync(`${home.path}/config.json`, '{}');
  fake.script({ text: answerText(TOKENS), chunks: TOKENS, chunkDelayMs: 1000 / RATE });
  const started = performance.now();
  const child = spawn(process.execPath, [OPENCLAW_BIN, 'chat', '-p', 'write the long answer', '--no-session'], {
    cwd: home.path,
    env: { ...process.env, OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench-0123456789' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  // The last reading before the process goes: /proc/<pid> is gone once it has been reaped.
  let ticks = 0;
  const sampler = setInterval(() => {
    try {
      ticks = cpuTicks(child.pid!);
    } catch {
      // exited
    }
  }, 20);
  await new Promise((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  home.cleanup();
  return { wallSeconds: (performance.now() - started) / 1000, cpuSeconds: ticks / ticksPerSecond };
}

const fake = await FakeProvider.start();
try {
  const ticks = await clockTicks();
  const results: Result[] = [];
  for (const [columns, rows] of [
    [100, 30],
    [80, 24],
  ]) {
    process.stderr.write(`bench/tui: streaming ${TOKENS} tokens at ${RATE}/s into ${columns}x${rows}...\n`);
    results.push(await measure(fake, columns, rows, ticks));
  }
  process.stderr.write('bench/tui: the same stream in print mode...\n');
  const print = await measurePrintMode(fake, ticks);
  const lines = [
    `TUI streaming: ${TOKENS} tokens at ${RATE} tokens/s into \`openclaw chat\` in tmux (budget: under 0.5 core, no clear)`,
    '',
    '| terminal | wall (s) | CPU (s) | cores | bytes | bytes/token | frames | clears | verdict |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (result) =>
        `| ${result.terminal} | ${result.wallSeconds.toFixed(1)} | ${result.cpuSeconds.toFixed(2)} | ${result.cores.toFixed(2)} | ${result.bytes} | ${(result.bytes / result.tokens).toFixed(1)} | ${result.frames} | ${result.clears} | ${result.cores < 0.5 && result.clears === 0 ? 'ok' : '**FAIL**'} |`,
    ),
    `| print mode (\`chat -p\`, no TUI; includes start-up) | ${print.wallSeconds.toFixed(1)} | ${print.cpuSeconds.toFixed(2)} | ${(print.cpuSeconds / print.wallSeconds).toFixed(2)} | – | – | – | – | info |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await fake.close();
}
