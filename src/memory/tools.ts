import { errorMessage } from '../errors.js';
import { failure, type Tool } from '../tools/types.js';
import type { MemoryStore } from './store.js';

/**
 * The agent's hands on long-term memory. Both act on the store, not on workspace paths, so their
 * target is `none`: the policy decides by capability (search reads, write writes). Descriptions
 * and schemas are short because they are sent with every request.
 */
interface SearchArgs {
  query: string;
  limit?: number;
}

interface WriteArgs {
  text: string;
  durable?: boolean;
}

/** The store is opened on the first call: most runs never touch memory, and loading it costs. */
type OpenStore = () => Promise<MemoryStore>;

export function memoryTools(store: MemoryStore | OpenStore): [Tool<SearchArgs>, Tool<WriteArgs>] {
  return [memorySearchTool(store), memoryWriteTool(store)];
}

function opener(store: MemoryStore | OpenStore): OpenStore {
  return typeof store === 'function' ? store : async () => store;
}

export function memorySearchTool(source: MemoryStore | OpenStore): Tool<SearchArgs> {
  const open = opener(source);
  return {
    name: 'memory_search',
    description: 'Search long-term memory (facts and notes from past sessions).',
    capability: 'read',
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string' },
        limit: { type: 'integer', minimum: 1, maximum: 20 },
      },
      required: ['query'],
      additionalProperties: false,
    },
    target: () => ({ kind: 'none' }),
    async run(args) {
      try {
        const hits = await (await open()).search(args.query, { limit: args.limit ?? 5 });
        if (hits.length === 0) return { ok: true, content: 'No memories match.', summary: `memory_search "${args.query}": no matches` };
        const content = hits.map((hit) => `- [${hit.id} ${hit.durable ? 'durable' : (hit.date ?? hit.file)}] ${hit.snippet}`).join('\n');
        return { ok: true, content, summary: `memory_search "${args.query}": ${hits.length} match${hits.length === 1 ? '' : 'es'}` };
      } catch (error) {
        return failure(`memory search failed: ${errorMessage(error)}`);
      }
    },
  };
}

export function memoryWriteTool(source: MemoryStore | OpenStore): Tool<WriteArgs> {
  const open = opener(source);
  return {
    name: 'memory_write',
    description: 'Save one fact to long-term memory for future sessions. durable: a lasting fact (preference, decision), not a dated note.',
    capability: 'write',
    parameters: {
      type: 'object',
      properties: {
        text: { type: 'string' },
        durable: { type: 'boolean' },
      },
      required: ['text'],
      additionalProperties: false,
    },
    target: () => ({ kind: 'none' }),
    async run(args) {
      try {
        const store = await open();
        const entry = await store.add(args.text, { durable: args.durable });
        const where = `${entry.file}:${entry.line}`;
        return entry.created
          ? { ok: true, content: `Saved as ${entry.id}.`, summary: `memory_write ${entry.id} → ${where}`, touched: [store.pathOf(entry)] }
          : { ok: true, content: `Already in memory as ${entry.id}.`, summary: `memory_write: already remembered (${entry.id})` };
      } catch (error) {
        return failure(`memory write failed: ${errorMessage(error)}`);
      }
    },
  };
}
