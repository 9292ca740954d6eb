/**
 * The tool interface. A tool declares what it needs (its capability) and what it will touch (its
 * target), so the policy layer can decide before it runs; `run` only ever sees validated args.
 */
export type Capability = 'read' | 'write' | 'exec' | 'network';

/** What a call will act on, as the policy sees it. Paths are as the model wrote them. */
export type ToolTarget =
  | { kind: 'paths'; paths: string[] }
  | { kind: 'command'; command: string }
  | { kind: 'url'; url: string }
  | { kind: 'none' };

export interface ToolContext {
  /** The workspace root: relative paths resolve against it and file tools stay inside it. */
  cwd: string;
  signal: AbortSignal;
  limits: { shellTimeoutMs: number; shellMaxOutputBytes: number };
  /** The environment commands run with: the user's, minus the secrets openclaw itself holds. */
  env: NodeJS.ProcessEnv;
  /** Confines commands (bubblewrap); absent or returning undefined runs them as they are. */
  sandbox?: CommandSandbox;
}

export interface CommandSandbox {
  wrap(argv: string[], cwd: string): Promise<{ file: string; args: string[] } | undefined>;
}

export interface ToolOutput {
  ok: boolean;
  /** What the model sees. */
  content: string;
  /** One line for people: the TUI row, stderr in print mode, the `tool_result` event. */
  summary: string;
  /** Absolute paths read or written, or the command run: the audit trail. */
  touched?: string[];
  exitCode?: number;
  /** The command ran inside the sandbox. */
  sandboxed?: boolean;
}

export interface Tool<Args = Record<string, unknown>> {
  name: string;
  description: string;
  capability: Capability;
  /** JSON Schema of the arguments: sent to the model and used to validate what it sends back. */
  parameters: Record<string, unknown>;
  target(args: Args): ToolTarget;
  run(args: Args, context: ToolContext): Promise<ToolOutput>;
}

// Tools are stored with their own argument types erased; the registry validates before calling.
export type AnyTool = Tool<any>;

export function failure(content: string, summary = content.split('\n')[0]): ToolOutput {
  return { ok: false, content, summary };
}
