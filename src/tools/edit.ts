import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { absolutePath } from './paths.js';
import { failure, type Tool } from './types.js';
import { writeFileAtomic } from './write.js';

interface EditArgs {
  path: string;
  old_string: string;
  new_string: string;
  replace_all?: boolean;
}

export const editTool: Tool<EditArgs> = {
  name: 'edit',
  description:
    'Replace an exact string in a file. old_string must match exactly once (include surrounding lines to make it unique) unless replace_all is true. Returns a diff.',
  capability: 'write',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      old_string: { type: 'string', minLength: 1 },
      new_string: { type: 'string' },
      replace_all: { type: 'boolean' },
    },
    required: ['path', 'old_string', 'new_string'],
    additionalProperties: false,
  },
  target: (args) => ({ kind: 'paths', paths: [args.path] }),
  async run(args, context) {
    const path = absolutePath(context.cwd, args.path);
    let before: string;
    try {
      before = await readFile(path, 'utf8');
    } catch {
      return failure(`File not found: ${args.path}. Use write to create a file.`);
    }
    if (args.old_string === args.new_string) return failure('old_string and new_string are the same; nothing to change.');
    const count = before.split(args.old_string).length - 1;
    if (count === 0) {
      return failure(`old_string was not found in ${args.path}. Read the file and copy the text exactly, including whitespace and indentation.`);
    }
    if (count > 1 && !args.replace_all) {
      return failure(`old_string matches ${count} places in ${args.path}. Include more surrounding lines to make it unique, or set replace_all.`);
    }
    const after = args.replace_all
      ? before.split(args.old_string).join(args.new_string)
      : before.replace(args.old_string, () => args.new_string);
    await writeFileAtomic(path, after);
    const { createTwoFilesPatch } = await import('diff');
    const name = relative(context.cwd, path) || args.path;
    const patch = createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 3 });
    // The patch opens with a line of `=`; the diff proper starts at its `---` header.
    const diff = patch.slice(patch.indexOf('--- ')).trimEnd();
    const replaced = args.replace_all ? count : 1;
    return {
      ok: true,
      content: `Edited ${args.path} (${replaced} replacement${replaced === 1 ? '' : 's'}):\n${diff}`,
      summary: `edited ${args.path} (${replaced} replacement${replaced === 1 ? '' : 's'})`,
      touched: [path],
    };
  },
};
