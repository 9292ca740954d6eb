/**
 * A skill's `allowed-tools` as openclaw permission rules (the `tool(pattern)` syntax of
 * `--allow`), so the tools a skill declares can be pre-approved while it is active. Names from
 * Claude Code (`Read`, `Bash(git:*)`) and openclaw's own (`read`, `shell(git *)`) are understood;
 * the rest (MCP tools, `WebSearch`, ...) are returned as unsupported rather than guessed at.
 * A bare `Bash` becomes a bare `shell`: every command. The caller decides whether to honour that.
 */
export interface AllowedToolRules {
  rules: string[];
  unsupported: string[];
}

/** Claude Code tool names, lower-cased, and the openclaw tool or capability each maps to. */
const TOOL_MAP: Record<string, string> = {
  bash: 'shell',
  shell: 'shell',
  read: 'read',
  grep: 'read',
  glob: 'read',
  ls: 'read',
  list: 'read',
  edit: 'write',
  multiedit: 'write',
  write: 'write',
  notebookedit: 'write',
  webfetch: 'web_fetch',
  web_fetch: 'web_fetch',
  exec: 'exec',
  network: 'network',
};

const ENTRY = /^([A-Za-z][A-Za-z0-9_]*)(?:\((.*)\))?$/;

export function allowedToolRules(allowedTools: readonly string[]): AllowedToolRules {
  const rules = new Set<string>();
  const unsupported: string[] = [];
  for (const entry of allowedTools) {
    const match = ENTRY.exec(entry.trim());
    const tool = match ? TOOL_MAP[match[1].toLowerCase()] : undefined;
    const pattern = match?.[2]?.trim();
    if (!match || !tool || (pattern !== undefined && !patternSupported(tool, pattern))) {
      unsupported.push(entry);
      continue;
    }
    if (pattern === undefined || pattern === '*' || pattern === '') rules.add(tool);
    else rules.add(`${tool}(${tool === 'shell' ? pattern.replace(/:\*$/, ' *') : pattern})`);
  }
  return { rules: [...rules], unsupported };
}

/** `WebFetch(domain:x)` and other keyed patterns have no openclaw equivalent yet. */
function patternSupported(tool: string, pattern: string): boolean {
  if (tool === 'web_fetch') return false;
  return !pattern.includes(')');
}
