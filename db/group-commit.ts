/**
 * Group commit: items submitted while a batch is being written go out together as the next batch, one statement,
 * one round trip and one commit for all of them; each submitter's promise settles with its own item's result, once
 * its batch is committed. Unloaded, an item goes out at once (after the current turn of the event loop, so items
 * of one turn share a batch); under load, batches grow by themselves. Used by the devserver's run writes
 * (`ds_apply_writes`), the audit sink and the read model's projections.
 */

export interface GroupCommitOptions<T, R> {
  /** Writes one batch: a result per item, in order (a rejected one fails its own submitter only). */
  write(batch: T[]): Promise<PromiseSettledResult<R>[]>;
  /** Batches in flight at once (each on its own connection). Default 1. */
  maxInFlight?: number;
  /** Largest batch (keeps one statement's size bounded). Default 256. */
  maxBatch?: number;
  /**
   * When a whole batch is refused (`write` throws), write its items again one by one, so that one bad item fails
   * its own submitter only. Default: every submitter of the batch gets the error.
   */
  retryAlone?: boolean;
}

interface Pending<T, R> {
  item: T;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private pumpQueued = false;
  /** Statements sent and the items they carried (writes / batches = how much the group commit saved). */
  readonly stats = { batches: 0, writes: 0 };
  private readonly maxInFlight: number;
  private readonly maxBatch: number;

  constructor(private readonly opts: GroupCommitOptions<T, R>) {
    this.maxInFlight = opts.maxInFlight ?? 1;
    this.maxBatch = opts.maxBatch ?? 256;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.pumpQueued) {
        this.pumpQueued = true;
        queueMicrotask(() => {
          this.pumpQueued = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.stats.batches++;
      this.stats.writes += batch.length;
      this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async writeBatch(batch: Pending<T, R>[]): Promise<void> {
    let results: PromiseSettledResult<R>[];
    try {
      results = await this.opts.write(batch.map((p) => p.item));
    } catch (e) {
      if (!this.opts.retryAlone || batch.length === 1) {
        for (const p of batch) p.reject(e);
        return;
      }
      for (const p of batch) await this.writeBatch([p]);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i];
      if (!r) p.reject(new Error(`group commit: no result for item ${i} of a batch of ${batch.length}`));
      else if (r.status === 'fulfilled') p.resolve(r.value);
      else p.reject(r.reason);
    });
  }
}

/** Every item of a batch written by one statement that either succeeds for all or throws. */
export async function allOrNothing<R>(results: Promise<R[]>): Promise<PromiseSettledResult<R>[]> {
  return (await results).map((value) => ({ status: 'fulfilled', value }) as const);
}
