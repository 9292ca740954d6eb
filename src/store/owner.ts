import { readFileSync } from 'node:fs';

/**
 * Who holds a session lock or the gateway's pid file, told apart from whatever process later gets
 * the same pid: the kernel's boot id (a reboot ends every process of the boot before) and the
 * process's start time. A power cut or kill -9 leaves the file behind; after a reboot its pid may
 * belong to an unrelated process, and in a container whose init does not reap, a killed process
 * stays a zombie that `kill(pid, 0)` still finds. Neither may keep a session or the store locked.
 * Linux has both in /proc; elsewhere only the pid is compared.
 */
export interface ProcessMark {
  pid: number;
  /** /proc/sys/kernel/random/boot_id when the mark was made. */
  boot?: string;
  /** The process's start time, in clock ticks since boot (/proc/<pid>/stat, field 22). */
  start?: number;
}

let bootId: string | null | undefined;

function currentBoot(): string | undefined {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId ?? undefined;
}

/** State and start time of a process from /proc, if this system has it. */
function procStat(pid: number): { state: string; start: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name (field 2) is in parentheses and may hold spaces: fields count from after it.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], start: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

let mine: ProcessMark | undefined;

/** This process's mark, to store in a lock or pid file (read once: it does not change). */
export function thisProcess(): ProcessMark {
  if (!mine) {
    const boot = currentBoot();
    const start = procStat(process.pid)?.start;
    mine = { pid: process.pid, ...(boot ? { boot } : {}), ...(start !== undefined && Number.isFinite(start) ? { start } : {}) };
  }
  return mine;
}

/** Whether the process a mark names still runs: not gone, not a zombie, not a newer process with its pid. */
export function stillRunning(mark: ProcessMark): boolean {
  const boot = currentBoot();
  if (mark.boot && boot && mark.boot !== boot) return false;
  try {
    process.kill(mark.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(mark.pid);
  if (!stat) return true; // no /proc: the pid answering is all there is to go on
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return mark.start === undefined || mark.start === stat.start;
}
