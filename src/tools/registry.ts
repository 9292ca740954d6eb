import type { ToolSpec } from '../providers/types.js';
import { editTool } from './edit.js';
import { grepTool } from './grep.js';
import { listTool } from './list.js';
import { readTool } from './read.js';
import { shellTool } from './shell.js';
import { webFetchTool } from './web-fetch.js';
import type { AnyTool } from './types.js';
import { writeTool } from './write.js';

/** The tools a run offers. Adding one is a `register` call; the agent loop never changes. */
export class ToolRegistry {
  private readonly tools = new Map<string, AnyTool>();

  constructor(tools: AnyTool[] = []) {
    for (const tool of tools) this.register(tool);
  }

  register(tool: AnyTool): void {
    if (this.tools.has(tool.name)) throw new Error(`tool "${tool.name}" is registered twice`);
    this.tools.set(tool.name, tool);
  }

  get(name: string): AnyTool | undefined {
    return this.tools.get(name);
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  specs(): ToolSpec[] {
    return [...this.tools.values()].map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters }));
  }
}

export function builtinTools(): AnyTool[] {
  return [readTool, writeTool, editTool, listTool, grepTool, shellTool, webFetchTool];
}
