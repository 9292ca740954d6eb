import { headAndTail } from './paths.js';
import type { Tool } from './types.js';

interface ShellArgs {
  command: string;
  timeout_ms?: number;
}

export const shellTool: Tool<ShellArgs> = {
  name: 'shell',
  description:
    'Run a bash command in the workspace and return its exit code and output (stdout and stderr together; long output keeps head and tail). No stdin; background processes (&) are stopped when it returns.',
  capability: 'exec',
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'string', minLength: 1 },
      timeout_ms: { type: 'integer', minimum: 100 },
    },
    required: ['command'],
    additionalProperties: false,
  },
  target: (args) => ({ kind: 'command', command: args.command }),
  async run(args, context) {
    const { execa } = await import('execa');
    const timeout = args.timeout_ms ?? context.limits.shellTimeoutMs;
    const started = Date.now();
    const argv = ['bash', '-c', args.command];
    const confined = await context.sandbox?.wrap(argv, context.cwd);
    const [file, ...rest] = confined ? [confined.file, ...confined.args] : argv;
    const subprocess = execa(file, rest, {
      cwd: context.cwd,
      all: true,
      reject: false,
      stdin: 'ignore',
      timeout,
      cancelSignal: context.signal,
      forceKillAfterDelay: 2000,
      // A timeout or an interrupt stops what bash started too: `make; sleep 60` would otherwise
      // outlive it and hold the output open.
      killDescendants: true,
      maxBuffer: 64 * 1024 * 1024,
      stripFinalNewline: false,
      extendEnv: false,
      env: { ...context.env, OPENCLAW: '1', PAGER: 'cat', GIT_PAGER: 'cat', TERM: 'dumb' },
    });
    // Background jobs (`server &`) end with the command, for the same reason.
    subprocess.nodeChildProcess.once('exit', () => subprocess.kill());
    const result = await subprocess;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const output = headAndTail(String(result.all ?? ''), context.limits.shellMaxOutputBytes);
    let status: string;
    if (result.timedOut) status = `timed out after ${timeout} ms`;
    else if (result.isCanceled) status = 'interrupted';
    else if (result.exitCode === undefined) status = `killed by ${result.signal ?? 'a signal'}`;
    else status = `exit code ${result.exitCode}`;
    const exitCode = result.exitCode ?? -1;
    return {
      ok: exitCode === 0 && !result.timedOut && !result.isCanceled,
      content: `${status}\n${output.text || '(no output)'}`,
      summary: `${args.command.split('\n')[0].slice(0, 80)} → ${status} (${seconds}s)`,
      touched: [args.command],
      exitCode,
      ...(confined ? { sandboxed: true } : {}),
    };
  },
};
