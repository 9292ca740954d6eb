/**
 * The global bound on agent runs at once (`gateway.maxConcurrent`). Waiters are served in the
 * order they came, so a busy session cannot starve the others.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly max: number) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with the function that gives the slot back. */
  async acquire(): Promise<() => void> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter: `active` stays the same.
      if (next) next();
      else this.active--;
    };
  }
}

/**
 * One session's queue: its messages run one at a time, in the order they arrived. This is how a
 * session has a single writer inside the gateway; no file lock is held for a turn.
 */
export class SessionLane<T> {
  readonly waiting: T[] = [];
  current: T | undefined;

  constructor(readonly key: string) {}

  get idle(): boolean {
    return this.current === undefined && this.waiting.length === 0;
  }
}
