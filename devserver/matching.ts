import { Lru } from './engine/lru';

/**
 * In-memory wake-ups for long polls. The database is the source of truth; these only tell a waiting poller
 * "something committed, look again". A per-key version closes the race between an empty query and starting to
 * wait.
 *
 * Bounded (a key per run would otherwise stay for every run ever changed): versions come from one counter, only
 * the `maxKeys` most recently notified keys keep theirs, and a key without one reads as the newest version
 * evicted so far. A key notified after a caller read its version therefore never reads that version again (kept,
 * it is newer; evicted, the floor is at least as new); an eviction can only make an unchanged key look changed,
 * i.e. a long poll looks again once for nothing.
 */
export class Signals {
  // Versions by key, the least recently notified evicted first; an evicted version raises the floor.
  private readonly seq: Lru<number>;
  private waiters = new Map<string, Set<() => void>>();
  private counter = 0;
  private floor = 0;

  constructor(maxKeys = 50_000) {
    this.seq = new Lru<number>(maxKeys, Infinity, (_key, version) => (this.floor = version));
  }

  version(key: string): number {
    return this.seq.peek(key) ?? this.floor;
  }

  /** Keys whose version is held (bounded by `maxKeys`). */
  get size(): number {
    return this.seq.size;
  }

  /** Wakes `count` waiters (all when omitted) and bumps the key's version. */
  notify(key: string, count = Infinity): void {
    this.seq.set(key, ++this.counter);
    const ws = this.waiters.get(key);
    if (!ws) return;
    let n = 0;
    for (const w of [...ws]) {
      if (n++ >= count) break;
      ws.delete(w);
      w();
    }
    if (ws.size === 0) this.waiters.delete(key);
  }

  /** Live wake-up registrations of a key (each ends with its wait: woken, timed out or aborted). */
  waiting(key: string): number {
    return this.waiters.get(key)?.size ?? 0;
  }

  /**
   * Resolves true when notified after `seenVersion`, false on timeout, on `signal`'s abort or once `until` settles (a
   * caller's other reason to stop waiting: a plain promise, where an AbortSignal.any and the AbortController behind it
   * cost a long poll ~40 µs). The registration is removed however the wait ends.
   */
  wait(key: string, seenVersion: number, timeoutMs: number, signal?: AbortSignal, until?: Promise<unknown>): Promise<boolean> {
    if (this.version(key) !== seenVersion) return Promise.resolve(true);
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      let finished = false;
      const done = (v: boolean) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const set = this.waiters.get(key);
        set?.delete(wake);
        if (set?.size === 0) this.waiters.delete(key);
        resolve(v);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      until?.then(onAbort, onAbort);
      set.add(wake);
    });
  }

  wakeAll(): void {
    for (const key of [...this.waiters.keys()]) this.notify(key);
  }
}

export const queueKey = (namespaceId: string, kind: string, taskQueue: string) => `q\u0000${namespaceId}\u0000${kind}\u0000${taskQueue}`;
export const runKey = (runId: string) => `r\u0000${runId}`;
