/**
 * A least-recently-used map bounded by entry count and, optionally, by total weight (e.g. approximate bytes).
 * Reading or writing an entry makes it the most recent; past either bound the oldest entries are evicted.
 *
 * The recency order is a linked list beside the Map, not the Map's own insertion order: finding a Map's first key
 * (`keys().next()`) walks past every slot deleted since V8 last compacted its table, and an LRU that moves each
 * touched entry to the end deletes a slot per touch, so once full every eviction cost ~20 µs instead of ~0.3
 * (measured at 50,000 entries, docs/performance.md "Where a decision at 100,000 open cases goes").
 */
interface Entry<V> {
  readonly k: string;
  v: V;
  w: number;
  /** Older neighbour (toward the next eviction). */
  older: Entry<V> | null;
  newer: Entry<V> | null;
}

export class Lru<V> {
  private readonly m = new Map<string, Entry<V>>();
  private oldest: Entry<V> | null = null;
  private newest: Entry<V> | null = null;
  private total = 0;
  /** Entries evicted so far (for tests and diagnostics). */
  evictions = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight = Infinity,
    /** Told of each entry evicted to stay within the bounds (not of one deleted or replaced). */
    private readonly onEvict?: (k: string, v: V) => void,
  ) {
    if (!(maxEntries >= 1)) throw new RangeError(`an LRU needs room for at least one entry, got ${maxEntries}`);
  }

  get size(): number {
    return this.m.size;
  }
  get weight(): number {
    return this.total;
  }

  get(k: string): V | undefined {
    const e = this.m.get(k);
    if (e === undefined) return undefined;
    this.touch(e);
    return e.v;
  }

  /** Whether `k` is held, without making it recent. */
  has(k: string): boolean {
    return this.m.has(k);
  }

  /** The value held for `k` without making it recent. */
  peek(k: string): V | undefined {
    return this.m.get(k)?.v;
  }

  set(k: string, v: V, weight = 0): void {
    const e = this.m.get(k);
    if (e) {
      this.total += weight - e.w;
      e.v = v;
      e.w = weight;
      this.touch(e);
    } else {
      const added: Entry<V> = { k, v, w: weight, older: this.newest, newer: null };
      if (this.newest) this.newest.newer = added;
      else this.oldest = added;
      this.newest = added;
      this.m.set(k, added);
      this.total += weight;
    }
    this.trim();
  }

  /** Changes the weight of a held entry (its value was mutated in place). */
  reweigh(k: string, weight: number): void {
    const e = this.m.get(k);
    if (!e) return;
    this.total += weight - e.w;
    e.w = weight;
    this.trim();
  }

  delete(k: string): void {
    const e = this.m.get(k);
    if (!e) return;
    this.unlink(e);
    this.m.delete(k);
    this.total -= e.w;
  }

  clear(): void {
    this.m.clear();
    this.oldest = this.newest = null;
    this.total = 0;
  }

  /** Keys from the oldest to the newest (for tests and diagnostics). */
  *keys(): IterableIterator<string> {
    for (let e = this.oldest; e; e = e.newer) yield e.k;
  }

  private touch(e: Entry<V>): void {
    if (e === this.newest) return;
    this.unlink(e);
    e.older = this.newest;
    e.newer = null;
    this.newest!.newer = e;
    this.newest = e;
  }

  private unlink(e: Entry<V>): void {
    if (e.older) e.older.newer = e.newer;
    else this.oldest = e.newer;
    if (e.newer) e.newer.older = e.older;
    else this.newest = e.older;
    e.older = e.newer = null;
  }

  private trim(): void {
    // The newest entry always stays, even when it alone is heavier than the bound.
    while (this.m.size > 1 && (this.m.size > this.maxEntries || this.total > this.maxWeight)) {
      const e = this.oldest!;
      this.delete(e.k);
      this.evictions++;
      this.onEvict?.(e.k, e.v);
    }
  }
}
