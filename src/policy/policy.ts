import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { ApprovalMode } from '../store/config-schema.js';
import { absolutePath, ENV_FILE } from '../tools/paths.js';
import type { Capability, ToolTarget } from '../tools/types.js';
import { isMcpToolName, matchesCommand, matchesPath, matchesUrl, namesMcpTool, parseRule, ruleAppliesTo, splitCommand, type Rule, type RuleEffect } from './rules.js';

/**
 * The one place that decides whether a tool call may run. Deterministic: the same call, mode and
 * rules always give the same decision, and the decision says which rule or mode made it.
 */
export interface PolicyDecision {
  decision: 'allow' | 'ask' | 'deny';
  by: 'mode' | 'rule' | 'policy';
  rule?: string;
  why: string;
}

export interface PolicyOptions {
  mode: ApprovalMode;
  workspace: string;
  /** `$OPENCLAW_HOME`: never open to tools, except its `workspace/` (the gateway sessions' cwd). */
  storeHome: string;
  allow?: string[];
  ask?: string[];
  deny?: string[];
  home?: string;
  /** Folders readable even outside the workspace or inside the store: the skills in use. */
  readRoots?: string[];
}

export const APPROVAL_MODES: readonly ApprovalMode[] = ['read-only', 'ask', 'auto-edit', 'full'];

/** What each mode does with each capability when no rule speaks. */
const MODE_TABLE: Record<ApprovalMode, Record<Capability, RuleEffect>> = {
  'read-only': { read: 'allow', write: 'deny', exec: 'deny', network: 'deny' },
  ask: { read: 'allow', write: 'ask', exec: 'ask', network: 'ask' },
  'auto-edit': { read: 'allow', write: 'allow', exec: 'ask', network: 'ask' },
  full: { read: 'allow', write: 'allow', exec: 'allow', network: 'allow' },
};

/** Secrets openclaw keeps away from tools even in `full` mode, unless a rule names them. */
const SENSITIVE_DIRS = ['.ssh', '.aws', '.gnupg', '.config/gcloud', '.kube', '.docker', '.netrc'];

interface ResolvedPath {
  absolute: string;
  real: string;
  /** Relative to the workspace root when inside it. */
  inside?: string;
}

export class Policy {
  readonly mode: ApprovalMode;
  readonly workspace: string;
  private readonly realWorkspace: string;
  private readonly home: string;
  /** Places tools never touch unless a rule names them, each as written and as its real path. */
  private readonly secrets: { path: string; what: string; except?: string }[];
  private readonly rules: Record<RuleEffect, Rule[]>;
  private readonly readRoots: string[];

  constructor(options: PolicyOptions) {
    this.mode = options.mode;
    this.workspace = options.workspace;
    this.realWorkspace = realPath(options.workspace);
    this.home = options.home ?? homedir();
    const secrets: { path: string; what: string; except?: string }[] = [{ path: options.storeHome, what: "openclaw's own store", except: storeWorkspace(options.storeHome) }];
    for (const dir of SENSITIVE_DIRS) secrets.push({ path: join(this.home, dir), what: `a credentials location (~/${dir})` });
    // `~/.ssh` may be a link into a dotfiles repository: its real path is just as secret.
    this.secrets = secrets.flatMap((secret) => [
      { ...secret, path: resolve(secret.path), except: secret.except && resolve(secret.except) },
      { ...secret, path: realPath(secret.path), except: secret.except && realPath(secret.except) },
    ]);
    this.readRoots = (options.readRoots ?? []).map(realPath);
    this.rules = {
      allow: (options.allow ?? []).map(parseRule),
      ask: (options.ask ?? []).map(parseRule),
      deny: (options.deny ?? []).map(parseRule),
    };
  }

  /** Rules added while running (an "always"/"this session" approval). */
  addRule(effect: RuleEffect, text: string): void {
    this.rules[effect].push(parseRule(text));
  }

  /** Whether commands may use the network: a bare `network` (or `network(*)`) allow rule. */
  allowsNetwork(): boolean {
    return this.rules.allow.some((rule) => rule.tool === 'network' && rule.pattern === undefined) && !this.rules.deny.some((rule) => rule.tool === 'network');
  }

  /**
   * The rules that would allow this call next time, for "this session" and "always" approvals.
   * Narrow on purpose: a subcommand for tools like git and npm (`shell(npm test *)`), the exact
   * command otherwise, the exact file for file tools. Empty when no rule can vouch for the call
   * (command substitution).
   */
  suggestRules(toolName: string, capability: Capability, target: ToolTarget): string[] {
    if (target.kind === 'none') return [isMcpToolName(toolName) ? `mcp(${toolName})` : toolName];
    if (target.kind === 'url') {
      try {
        return [`${toolName}(${new URL(target.url).host})`];
      } catch {
        return [];
      }
    }
    if (target.kind === 'paths') {
      return target.paths.map((path) => {
        const resolved = this.resolve(path);
        return `${capability}(${resolved.inside ?? resolved.real})`;
      });
    }
    const { parts, opaque } = splitCommand(target.command);
    if (opaque || parts.length === 0) return [];
    return [...new Set(parts.map((part) => `${toolName}(${commandPrefix(part.elevated ? part.written : part.command)})`))];
  }

  decide(toolName: string, capability: Capability, target: ToolTarget): PolicyDecision {
    if (target.kind === 'paths') return this.decidePaths(toolName, capability, target.paths);
    if (target.kind === 'command') return this.decideCommand(toolName, capability, target.command);
    if (target.kind === 'url') {
      const matches = (rule: Rule) => matchesUrl(rule.pattern, target.url);
      return this.decideByRules(toolName, capability, matches, matches);
    }
    // Nothing for a pattern to match: a pattern may still deny or ask, only a bare rule (or an
    // `mcp(...)` rule, whose pattern is the tool's name) allows.
    return this.decideByRules(toolName, capability, () => true, (rule) => !rule.pattern || namesMcpTool(rule, toolName));
  }

  private decidePaths(toolName: string, capability: Capability, paths: string[]): PolicyDecision {
    const resolved = paths.map((path) => this.resolve(path));
    const matchesPathOf = (rule: Rule) => (path: ResolvedPath) => matchesPath(rule, path.real, path.inside, this.home);
    // A call is denied if any path it touches is, and allowed only if every path is.
    const matchesAny = (rule: Rule) => resolved.some(matchesPathOf(rule));
    const matchesEvery = (rule: Rule) => resolved.every(matchesPathOf(rule));

    const deny = this.firstRule('deny', toolName, capability, matchesAny);
    if (deny) return { decision: 'deny', by: 'rule', rule: deny.text, why: `denied by rule ${deny.text}` };

    if (capability === 'read' && this.readRoots.length > 0) {
      const roots = resolved.map((path) => this.readRoots.find((root) => path.real === root || path.real.startsWith(root + sep)));
      if (roots.every((root) => root !== undefined)) {
        return { decision: 'allow', by: 'policy', why: `reading a skill (${[...new Set(roots)].join(', ')})` };
      }
    }
    for (const path of resolved) {
      const named = (rule: Rule) => rule.pattern !== undefined && matchesPathOf(rule)(path);
      const secret = this.sensitive(path);
      if (secret && !this.firstRule('allow', toolName, capability, named)) {
        return {
          decision: 'deny',
          by: 'policy',
          why: `${path.absolute} is ${secret}, which tools may not touch unless a rule names it, e.g. --allow '${capability}(${path.real})'`,
        };
      }
      if (path.inside === undefined && !this.firstRule('allow', toolName, capability, named)) {
        const real = path.real === path.absolute ? '' : ` (really ${path.real})`;
        return {
          decision: 'deny',
          by: 'policy',
          why: `${path.absolute}${real} is outside the workspace ${this.workspace}; allow it with a rule such as --allow '${capability}(${join(path.real, '**')})'`,
        };
      }
    }
    return this.decideByRules(toolName, capability, matchesAny, matchesEvery);
  }

  private decideCommand(toolName: string, capability: Capability, command: string): PolicyDecision {
    const { parts, opaque } = splitCommand(command);
    // A restricting rule matches what runs or what is written (`shell(sudo *)` sees the wrapper).
    const restricts = (rule: Rule) => !rule.pattern || parts.some((part) => matchesCommand(rule.pattern, part.command) || matchesCommand(rule.pattern, part.written));
    const deny = this.firstRule('deny', toolName, capability, restricts);
    if (deny) return { decision: 'deny', by: 'rule', rule: deny.text, why: `denied by rule ${deny.text}` };
    const ask = this.firstRule('ask', toolName, capability, restricts);
    if (ask) return { decision: 'ask', by: 'rule', rule: ask.text, why: `rule ${ask.text} asks first` };
    // Each part may be allowed by a different rule: `git status && npm test`.
    const allowRules = this.applicable('allow', toolName, capability);
    const bare = allowRules.find((rule) => !rule.pattern);
    if (bare) return { decision: 'allow', by: 'rule', rule: bare.text, why: `allowed by rule ${bare.text}` };
    if (!opaque && parts.length > 0) {
      const used = parts.map((part) => allowRules.find((rule) => matchesCommand(rule.pattern, part.elevated ? part.written : part.command)));
      if (used.every((rule) => rule !== undefined)) {
        const names = [...new Set(used.map((rule) => rule!.text))].join(', ');
        return { decision: 'allow', by: 'rule', rule: names, why: `allowed by rule ${names}` };
      }
    }
    return this.byMode(capability, opaque ? ' (part of the command cannot be known before it runs: substitution, eval or a script on stdin)' : '');
  }

  private decideByRules(
    toolName: string,
    capability: Capability,
    restricts: (rule: Rule) => boolean,
    permits: (rule: Rule) => boolean,
  ): PolicyDecision {
    const deny = this.firstRule('deny', toolName, capability, restricts);
    if (deny) return { decision: 'deny', by: 'rule', rule: deny.text, why: `denied by rule ${deny.text}` };
    const ask = this.firstRule('ask', toolName, capability, restricts);
    if (ask) return { decision: 'ask', by: 'rule', rule: ask.text, why: `rule ${ask.text} asks first` };
    const allow = this.firstRule('allow', toolName, capability, permits);
    if (allow) return { decision: 'allow', by: 'rule', rule: allow.text, why: `allowed by rule ${allow.text}` };
    return this.byMode(capability, '');
  }

  private byMode(capability: Capability, note: string): PolicyDecision {
    const effect = MODE_TABLE[this.mode][capability];
    const verb = effect === 'allow' ? 'allows' : effect === 'ask' ? 'asks before' : 'does not allow';
    return { decision: effect, by: 'mode', why: `${this.mode} mode ${verb} ${capability} tools${note}` };
  }

  private applicable(effect: RuleEffect, toolName: string, capability: Capability): Rule[] {
    return this.rules[effect].filter((rule) => ruleAppliesTo(rule, toolName, capability));
  }

  private firstRule(effect: RuleEffect, toolName: string, capability: Capability, matches: (rule: Rule) => boolean): Rule | undefined {
    return this.mostSpecific(this.applicable(effect, toolName, capability).filter(matches));
  }

  /** The rule that explains a decision best: a named tool over a capability, a pattern over none. */
  private mostSpecific(rules: Rule[]): Rule | undefined {
    const score = (rule: Rule) => (rule.pattern ? rule.pattern.replace(/\*/g, '').length + 1000 : 0) + (/^(read|write|exec|network)$/.test(rule.tool) ? 0 : 1);
    return [...rules].sort((a, b) => score(b) - score(a))[0];
  }

  private resolve(path: string): ResolvedPath {
    const absolute = absolutePath(this.workspace, path);
    const real = realPath(absolute);
    const rel = relative(this.realWorkspace, real);
    const inside = rel === '' ? '.' : rel.startsWith(`..${sep}`) || rel === '..' || rel.startsWith(sep) ? undefined : rel;
    return { absolute, real, inside };
  }

  /** Checks the path as written and as resolved: a link named `.env` or pointing into `~/.ssh` counts. */
  private sensitive(path: ResolvedPath): string | undefined {
    for (const candidate of [path.absolute, path.real]) {
      const within = (root: string) => candidate === root || candidate.startsWith(root + sep);
      const secret = this.secrets.find(({ path: secret, except }) => within(secret) && !(except && within(except)));
      if (secret) return secret.what;
    }
    if (ENV_FILE.test(basename(path.absolute)) || ENV_FILE.test(basename(path.real))) return 'an environment file that may hold secrets';
    return undefined;
  }
}

/** Tools whose second word is a subcommand worth its own rule: `git status`, `npm test`. */
const SUBCOMMAND_TOOLS = new Set([
  'git', 'npm', 'pnpm', 'yarn', 'bun', 'npx', 'cargo', 'go', 'make', 'docker', 'kubectl', 'pip', 'uv', 'poetry', 'gh', 'dotnet', 'mvn', 'gradle', 'bundle', 'rake', 'deno', 'brew', 'apt', 'systemctl', 'just', 'mix',
]);

function commandPrefix(part: string): string {
  const words = part.split(' ');
  if (words.length >= 2 && SUBCOMMAND_TOOLS.has(words[0]) && /^[a-z][a-z0-9:._-]*$/i.test(words[1])) return `${words[0]} ${words[1]} *`;
  return part;
}

/** `$OPENCLAW_HOME/workspace`: the working directory of gateway sessions, the one part of the store open to tools. */
export function storeWorkspace(storeHome: string): string {
  return join(storeHome, 'workspace');
}

/** The real path of `path`, following symlinks; for a path that does not exist yet, of its nearest existing parent. */
export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return join(realPath(parent), basename(path));
  }
}
