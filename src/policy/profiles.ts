import type { ApprovalMode, Config } from '../store/config-schema.js';

/**
 * A named tool policy for sessions nobody supervises: an approval mode plus rules, as data, so a
 * channel's sessions are confined by the same deterministic check as every other tool call.
 * Nobody can approve in these sessions, so whatever the mode would ask about is denied.
 */
export interface ToolProfile {
  name: string;
  mode: ApprovalMode;
  allow: string[];
  deny: string[];
}

/**
 * `messaging`: what a stranger-facing chat may make the agent do. No command runs (every exec
 * tool, MCP tools included, is denied by rule); reads and writes stay inside the session's
 * working directory, `$OPENCLAW_HOME/workspace` (auto-edit mode plus path confinement), and
 * long-term memory, which lives outside it and which every later session recalls, is not written;
 * web pages may be fetched.
 */
export const MESSAGING_PROFILE: ToolProfile = { name: 'messaging', mode: 'auto-edit', allow: ['web_fetch'], deny: ['exec', 'memory_write'] };

/** `gateway`: the same policy as the gateway's other sessions, `gateway.approval` and no extra rules. */
export function gatewayProfile(config: Config): ToolProfile {
  return { name: 'gateway', mode: config.gateway?.approval ?? 'auto-edit', allow: [], deny: [] };
}

/** A channel's profile by name (`channels.<id>.toolProfile`; `messaging` unless it says `gateway`). */
export function toolProfile(name: 'messaging' | 'gateway' | undefined, config: Config): ToolProfile {
  return name === 'gateway' ? gatewayProfile(config) : MESSAGING_PROFILE;
}
