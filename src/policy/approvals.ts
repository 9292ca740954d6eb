import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeJsonFile } from '../store/atomic.js';
import { withFileLock } from '../store/lock.js';
import { ensureDir } from '../store/paths.js';
import { parseRule } from './rules.js';

/**
 * An "always" approval: the exact rule a person granted, where and when, and when it last
 * allowed something. Kept in `$OPENCLAW_HOME/approvals.json`; `openclaw approvals` manages them.
 */
export interface SavedApproval {
  rule: string;
  /** The workspace it was granted in; it applies there and below. */
  where: string;
  granted: string;
  lastUsed?: string;
}

interface ApprovalsFile {
  version: 1;
  approvals: SavedApproval[];
}

export class ApprovalStore {
  readonly path: string;

  constructor(private readonly home: string) {
    this.path = join(home, 'approvals.json');
  }

  list(): SavedApproval[] {
    try {
      const data = JSON.parse(readFileSync(this.path, 'utf8')) as ApprovalsFile;
      return Array.isArray(data.approvals) ? data.approvals.filter((item) => typeof item?.rule === 'string' && typeof item.where === 'string') : [];
    } catch {
      return [];
    }
  }

  /** The rules that apply in a workspace. */
  rulesFor(workspace: string): string[] {
    return this.list()
      .filter((item) => isWithin(workspace, item.where))
      .map((item) => item.rule);
  }

  async add(rule: string, where: string): Promise<SavedApproval> {
    parseRule(rule);
    return this.update((approvals) => {
      const existing = approvals.find((item) => item.rule === rule && item.where === where);
      if (existing) return existing;
      const approval: SavedApproval = { rule, where, granted: new Date().toISOString() };
      approvals.push(approval);
      return approval;
    });
  }

  /** Removes a rule (everywhere it was granted, or only in `where`); returns how many went. */
  async remove(rule: string, where?: string): Promise<number> {
    return this.update((approvals) => {
      const before = approvals.length;
      const kept = approvals.filter((item) => !(item.rule === rule && (where === undefined || item.where === where)));
      approvals.splice(0, approvals.length, ...kept);
      return before - kept.length;
    });
  }

  async touch(rule: string, workspace: string): Promise<void> {
    await this.update((approvals) => {
      const now = new Date().toISOString();
      for (const item of approvals) if (item.rule === rule && isWithin(workspace, item.where)) item.lastUsed = now;
    });
  }

  private async update<T>(change: (approvals: SavedApproval[]) => T): Promise<T> {
    ensureDir(this.home);
    return withFileLock(this.path, () => {
      const approvals = this.list();
      const result = change(approvals);
      writeJsonFile(this.path, { version: 1, approvals } satisfies ApprovalsFile);
      return result;
    });
  }
}

function isWithin(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}
