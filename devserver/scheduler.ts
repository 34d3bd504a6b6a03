/**
 * The single deadline loop: loads what is due from the database (so everything due after a restart fires),
 * applies it, then sleeps until the next persisted deadline or until a commit adds an earlier one.
 */
import type { Engine } from './engine/engine';
import * as store from './storage/store';
import { fireDeadline } from './engine/deadlines';

export class DeadlineScheduler {
  private timer: NodeJS.Timeout | null = null;
  private nextAt = Infinity;
  private running = false;
  private again = false;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: Engine,
    private readonly batch = 200,
    private readonly concurrency = 8,
  ) {
    engine.onDeadline = (at) => this.wake(at);
  }

  start(): void {
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current.catch(() => {});
  }

  wake(at: number): void {
    if (this.stopped) return;
    if (at < this.nextAt) this.arm(at);
  }

  private arm(at: number) {
    if (this.timer) clearTimeout(this.timer);
    this.nextAt = at;
    const delay = Math.max(0, at - this.engine.now());
    this.timer = setTimeout(() => this.kick(), Math.min(delay, 2 ** 31 - 1));
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.nextAt = Infinity;
    this.timer = null;
    this.current = this.loop().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async loop(): Promise<void> {
    let failed = false;
    try {
      for (;;) {
        if (this.stopped) return;
        const due = await store.dueDeadlines(this.engine.db, new Date(this.engine.now()), this.batch);
        // Different runs in parallel; one run's deadlines in order.
        const byRun = new Map<string, store.DeadlineRow[]>();
        for (const d of due) {
          let l = byRun.get(d.runId);
          if (!l) byRun.set(d.runId, (l = []));
          l.push(d);
        }
        const groups = [...byRun.values()];
        let i = 0;
        const worker = async () => {
          while (i < groups.length && !this.stopped) {
            const g = groups[i++];
            for (const d of g) {
              try {
                await fireDeadline(this.engine, d);
              } catch (e) {
                failed = true;
                this.engine.logger.error(`deadline ${d.kind} of run ${d.runId} failed`, e);
              }
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(this.concurrency, groups.length) }, worker));
        if (due.length < this.batch || failed) break;
      }
      if (this.stopped) return;
      if (failed) {
        this.wake(this.engine.now() + 500);
        return;
      }
      const next = await store.nextDeadlineAt(this.engine.db);
      if (next != null) this.wake(next);
    } catch (e) {
      if (this.stopped) return;
      this.engine.logger.error('deadline loop failed; retrying in 1s', e);
      this.wake(this.engine.now() + 1000);
    }
  }
}
