import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { absolutePath } from './paths.js';
import { failure, type Tool } from './types.js';

const DEFAULT_LIMIT = 500;
export const IGNORED_DIRS = ['**/.git/**', '**/node_modules/**'];

interface ListArgs {
  path?: string;
  pattern?: string;
  limit?: number;
}

export const listTool: Tool<ListArgs> = {
  name: 'list',
  description:
    'List files under a directory (default: the workspace), optionally matching a glob such as "**/*.ts". Directories end with "/". .git and node_modules are skipped unless the pattern names them; so are symbolic links.',
  capability: 'read',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'directory, default "."' },
      pattern: { type: 'string', description: 'glob, default "*"' },
      limit: { type: 'integer', minimum: 1 },
    },
    additionalProperties: false,
  },
  target: (args) => ({ kind: 'paths', paths: [args.path ?? '.'] }),
  async run(args, context) {
    const base = absolutePath(context.cwd, args.path ?? '.');
    const info = await stat(base).catch(() => undefined);
    if (!info) return failure(`Directory not found: ${args.path ?? '.'}`);
    if (!info.isDirectory()) return failure(`${args.path} is a file; use read to see it.`);
    const pattern = args.pattern ?? '*';
    const { glob } = await import('tinyglobby');
    const found = await glob(pattern, {
      cwd: base,
      dot: true,
      onlyFiles: false,
      ignore: /node_modules|\.git(\/|$)/.test(pattern) ? [] : IGNORED_DIRS,
      expandDirectories: false,
      // A link could lead out of the workspace; tinyglobby cannot list one without following it.
      followSymbolicLinks: false,
    });
    found.sort();
    const limit = args.limit ?? DEFAULT_LIMIT;
    const shown = found.slice(0, limit);
    const label = relative(context.cwd, base) || '.';
    const more = found.length > limit ? `\n[${found.length - limit} more; narrow the pattern or raise limit]` : '';
    return {
      ok: true,
      content: found.length === 0 ? `No files match ${pattern} in ${label}.` : shown.join('\n') + more,
      summary: `listed ${found.length} entr${found.length === 1 ? 'y' : 'ies'} in ${label}${pattern === '*' ? '' : ` matching ${pattern}`}`,
      touched: [base],
    };
  },
};
