import { readFile, stat } from 'node:fs/promises';
import { absolutePath, looksBinary } from './paths.js';
import { failure, type Tool } from './types.js';

const MAX_LINES = 2000;
const MAX_LINE_CHARS = 2000;
const MAX_FILE_BYTES = 10 * 1024 * 1024;

interface ReadArgs {
  path: string;
  offset?: number;
  limit?: number;
}

export const readTool: Tool<ReadArgs> = {
  name: 'read',
  description: `Read a text file. Lines come numbered; use offset/limit (1-based lines) for big files. Up to ${MAX_LINES} lines per call.`,
  capability: 'read',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      offset: { type: 'integer', minimum: 1, description: 'first line' },
      limit: { type: 'integer', minimum: 1, description: 'number of lines' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  target: (args) => ({ kind: 'paths', paths: [args.path] }),
  async run(args, context) {
    const path = absolutePath(context.cwd, args.path);
    let info;
    try {
      info = await stat(path);
    } catch {
      return failure(`File not found: ${args.path}`);
    }
    if (info.isDirectory()) return failure(`${args.path} is a directory; use the list tool to see its files.`);
    if (info.size > MAX_FILE_BYTES) return failure(`${args.path} is ${info.size} bytes, too large to read (limit ${MAX_FILE_BYTES}); use grep or shell.`);
    const buffer = await readFile(path);
    if (looksBinary(buffer)) return failure(`${args.path} is a binary file (${info.size} bytes).`);
    const lines = buffer.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const start = (args.offset ?? 1) - 1;
    if (start >= lines.length && lines.length > 0) return failure(`${args.path} has ${lines.length} lines; offset ${args.offset} is past the end.`);
    const count = Math.min(args.limit ?? MAX_LINES, MAX_LINES);
    const slice = lines.slice(start, start + count);
    const width = String(start + slice.length).length;
    const body = slice
      .map((line, index) => {
        const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… [line truncated]` : line;
        return `${String(start + index + 1).padStart(width)}\t${text}`;
      })
      .join('\n');
    const end = start + slice.length;
    const more = end < lines.length ? `\n[${lines.length - end} more lines; continue with offset ${end + 1}]` : '';
    return {
      ok: true,
      content: lines.length === 0 ? '(empty file)' : body + more,
      summary: `read ${args.path} (${slice.length} of ${lines.length} lines)`,
      touched: [path],
    };
  },
};
