/**
 * A least-recently-used map bounded by entry count and, optionally, by total weight (e.g. approximate bytes).
 * Reading or writing an entry makes it the most recent; past either bound the oldest entries are evicted.
 */
export class Lru<V> {
  private readonly m = new Map<string, { v: V; w: number }>();
  private total = 0;
  /** Entries evicted so far (for tests and diagnostics). */
  evictions = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight = Infinity,
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
    this.m.delete(k);
    this.m.set(k, e);
    return e.v;
  }

  /** Whether `k` is held, without making it recent. */
  has(k: string): boolean {
    return this.m.has(k);
  }

  set(k: string, v: V, weight = 0): void {
    this.delete(k);
    this.m.set(k, { v, w: weight });
    this.total += weight;
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
    this.total -= e.w;
    this.m.delete(k);
  }

  clear(): void {
    this.m.clear();
    this.total = 0;
  }

  private trim(): void {
    // The newest entry always stays, even when it alone is heavier than the bound.
    while (this.m.size > 1 && (this.m.size > this.maxEntries || this.total > this.maxWeight)) {
      const oldest = this.m.keys().next().value as string;
      this.delete(oldest);
      this.evictions++;
    }
  }
}
