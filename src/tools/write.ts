import { chmod, mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomHex } from '../store/ids.js';
import { absolutePath } from './paths.js';
import { failure, type Tool } from './types.js';

interface WriteArgs {
  path: string;
  content: string;
}

/**
 * Writes through a temporary file and a rename, so a crash never leaves half a file. A symlink is
 * written through, not replaced, and an existing file keeps its mode.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const target = await realpath(path).catch(() => path);
  await mkdir(dirname(target), { recursive: true });
  const mode = await stat(target).then((info) => info.mode & 0o7777, () => undefined);
  const temporary = `${target}.openclaw-${randomHex(4)}.tmp`;
  try {
    // Created with the old mode so the text is never more exposed than before; the umask may
    // have cut bits from it, so the mode is set again.
    await writeFile(temporary, content, mode === undefined ? {} : { mode });
    if (mode !== undefined) await chmod(temporary, mode);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export const writeTool: Tool<WriteArgs> = {
  name: 'write',
  description: 'Create or overwrite a file with the given content. Prefer edit for changes to an existing file.',
  capability: 'write',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' }, content: { type: 'string' } },
    required: ['path', 'content'],
    additionalProperties: false,
  },
  target: (args) => ({ kind: 'paths', paths: [args.path] }),
  async run(args, context) {
    const path = absolutePath(context.cwd, args.path);
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) return failure(`${args.path} is a directory.`);
    await writeFileAtomic(path, args.content);
    const lines = args.content === '' ? 0 : args.content.split('\n').length - (args.content.endsWith('\n') ? 1 : 0);
    const verb = existing ? 'Overwrote' : 'Created';
    return {
      ok: true,
      content: `${verb} ${args.path} (${lines} lines, ${Buffer.byteLength(args.content)} bytes).`,
      summary: `${verb.toLowerCase()} ${args.path} (${lines} lines)`,
      touched: [path],
    };
  },
};
