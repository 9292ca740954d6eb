import { readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { IGNORED_DIRS } from './list.js';
import { absolutePath, ENV_FILE, looksBinary } from './paths.js';
import { failure, type Tool } from './types.js';

const DEFAULT_LIMIT = 200;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_LINE_CHARS = 300;

interface GrepArgs {
  pattern: string;
  path?: string;
  glob?: string;
  ignore_case?: boolean;
  limit?: number;
}

export const grepTool: Tool<GrepArgs> = {
  name: 'grep',
  description: 'Search file contents with a JavaScript regular expression. Returns file:line: text. Filter files with glob, e.g. "**/*.py". Symbolic links and .env files are skipped unless named.',
  capability: 'read',
  parameters: {
    type: 'object',
    properties: {
      pattern: { type: 'string', minLength: 1 },
      path: { type: 'string', description: 'file or directory, default "."' },
      glob: { type: 'string' },
      ignore_case: { type: 'boolean' },
      limit: { type: 'integer', minimum: 1 },
    },
    required: ['pattern'],
    additionalProperties: false,
  },
  target: (args) => ({ kind: 'paths', paths: [args.path ?? '.'] }),
  async run(args, context) {
    let regex: RegExp;
    try {
      regex = new RegExp(args.pattern, args.ignore_case ? 'i' : '');
    } catch (error) {
      return failure(`Invalid regular expression: ${(error as Error).message}`);
    }
    const base = absolutePath(context.cwd, args.path ?? '.');
    const info = await stat(base).catch(() => undefined);
    if (!info) return failure(`Not found: ${args.path ?? '.'}`);
    let files: string[];
    if (info.isFile()) {
      files = [base];
    } else {
      const { glob } = await import('tinyglobby');
      // Links are skipped, as ripgrep does: one could lead out of the workspace the policy confined us to.
      const found = await glob(args.glob ?? '**/*', { cwd: base, dot: true, onlyFiles: true, ignore: IGNORED_DIRS, followSymbolicLinks: false });
      // An .env file is searched only when named: a search of the workspace must not print its secrets.
      files = found.filter((file) => !ENV_FILE.test(basename(file))).sort().map((file) => join(base, file));
    }
    const limit = args.limit ?? DEFAULT_LIMIT;
    const matches: string[] = [];
    let total = 0;
    for (const file of files) {
      if (context.signal.aborted) break;
      const size = (await stat(file).catch(() => undefined))?.size ?? 0;
      if (size > MAX_FILE_BYTES) continue;
      const buffer = await readFile(file).catch(() => undefined);
      if (!buffer || looksBinary(buffer)) continue;
      const lines = buffer.toString('utf8').split('\n');
      for (let index = 0; index < lines.length; index++) {
        if (!regex.test(lines[index])) continue;
        total++;
        if (matches.length < limit) {
          const line = lines[index].length > MAX_LINE_CHARS ? `${lines[index].slice(0, MAX_LINE_CHARS)}…` : lines[index];
          matches.push(`${relative(context.cwd, file) || file}:${index + 1}: ${line}`);
        }
      }
    }
    const more = total > limit ? `\n[${total - limit} more matches; narrow the search]` : '';
    return {
      ok: true,
      content: total === 0 ? `No matches for /${args.pattern}/.` : matches.join('\n') + more,
      summary: `grep /${args.pattern}/: ${total} match${total === 1 ? '' : 'es'}`,
      touched: [base],
    };
  },
};
