import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../../src/agent/runtime.js';
import { SessionPool } from '../../src/gateway/sessions.js';
import type { OpenSession, SessionStore } from '../../src/store/sessions.js';

// The pool's sessions, stand-ins for the real ones: only their ids and closing matter here.
function pool(idleMs: number) {
  const closed: string[] = [];
  let next = 0;
  const sessions = new SessionPool({
    store: { list: async () => [] } as unknown as SessionStore,
    idleMs,
    open: async (key) => {
      const id = `s${next++}`;
      return { session: { id } as OpenSession, agent: { close: async () => void closed.push(key) } as unknown as Agent };
    },
  });
  return { sessions, closed };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the gateway session pool', () => {
  it('closes a session once it has been idle for idleMs, never while it is busy', async () => {
    const { sessions, closed } = pool(1_000);
    const held = await sessions.take('web:dm:a');
    sessions.closeIdle(performance.now() + 5_000);
    expect(sessions.openCount).toBe(1);
    sessions.give(held);
    sessions.closeIdle(performance.now() + 500);
    expect(sessions.openCount).toBe(1);
    sessions.closeIdle(performance.now() + 1_000);
    expect(sessions.openCount).toBe(0);
    await vi.waitFor(() => expect(closed).toEqual(['web:dm:a']));
    await sessions.closeAll();
  });

  it('measures idleness on the monotonic clock: a wall-clock jump neither closes nor keeps a session', async () => {
    const { sessions } = pool(60_000);
    sessions.give(await sessions.take('web:dm:b'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_600_000);
    sessions.closeIdle();
    expect(sessions.openCount).toBe(1);
    vi.setSystemTime(Date.now() - 7_200_000);
    sessions.closeIdle(performance.now() + 60_000);
    expect(sessions.openCount).toBe(0);
    await sessions.closeAll();
  });
});
