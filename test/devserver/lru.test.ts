/**
 * The devserver's bounded maps (devserver/engine/lru.ts): the linked recency list behaves as a least-recently-used
 * map whatever the sequence of operations, checked against a plain array model.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Lru } from '../../devserver/engine/lru';

type Op =
  | { op: 'get' | 'delete' | 'has' | 'peek'; k: string }
  | { op: 'set'; k: string; v: number; w: number }
  | { op: 'reweigh'; k: string; w: number }
  | { op: 'clear' };

/** The reference: entries oldest first, evicting from the front. */
class Model {
  entries: { k: string; v: number; w: number }[] = [];
  evicted: string[] = [];
  constructor(
    private readonly max: number,
    private readonly maxWeight: number,
  ) {}
  private at = (k: string) => this.entries.findIndex((e) => e.k === k);
  private weight = () => this.entries.reduce((a, e) => a + e.w, 0);
  private trim() {
    while (this.entries.length > 1 && (this.entries.length > this.max || this.weight() > this.maxWeight)) this.evicted.push(this.entries.shift()!.k);
  }
  apply(o: Op): unknown {
    const i = 'k' in o ? this.at(o.k) : -1;
    switch (o.op) {
      case 'get': {
        if (i < 0) return undefined;
        const [e] = this.entries.splice(i, 1);
        this.entries.push(e);
        return e.v;
      }
      case 'has':
        return i >= 0;
      case 'peek':
        return i < 0 ? undefined : this.entries[i].v;
      case 'delete':
        if (i >= 0) this.entries.splice(i, 1);
        return undefined;
      case 'set':
        if (i >= 0) this.entries.splice(i, 1);
        this.entries.push({ k: o.k, v: o.v, w: o.w });
        this.trim();
        return undefined;
      case 'reweigh':
        if (i >= 0) {
          this.entries[i].w = o.w;
          this.trim();
        }
        return undefined;
      case 'clear':
        this.entries = [];
        return undefined;
    }
  }
}

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('get' as const, 'delete' as const, 'has' as const, 'peek' as const), k: key }),
  fc.record({ op: fc.constant('set' as const), k: key, v: fc.integer(), w: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ op: fc.constant('reweigh' as const), k: key, w: fc.integer({ min: 0, max: 5 }) }),
  fc.constant({ op: 'clear' as const }),
);

describe('Lru', () => {
  it('agrees with the model on every answer, its order, size, weight and evictions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 12 }), fc.array(op, { maxLength: 80 }), (max, maxWeight, ops) => {
        const evicted: string[] = [];
        const lru = new Lru<number>(max, maxWeight, (k) => evicted.push(k));
        const model = new Model(max, maxWeight);
        for (const o of ops) {
          const got =
            o.op === 'set' ? lru.set(o.k, o.v, o.w) : o.op === 'reweigh' ? lru.reweigh(o.k, o.w) : o.op === 'clear' ? lru.clear() : lru[o.op](o.k);
          expect(got).toEqual(model.apply(o));
          expect([...lru.keys()]).toEqual(model.entries.map((e) => e.k));
          expect(lru.size).toBe(model.entries.length);
          expect(lru.weight).toBe(model.entries.reduce((a, e) => a + e.w, 0));
        }
        expect(evicted).toEqual(model.evicted);
        expect(lru.evictions).toBe(model.evicted.length);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the newest entry even when it alone is heavier than the bound', () => {
    const lru = new Lru<string>(10, 100);
    lru.set('small', 's', 10);
    lru.set('huge', 'h', 500);
    expect([...lru.keys()]).toEqual(['huge']);
    expect(lru.get('huge')).toBe('h');
  });

  it('refuses a bound with no room', () => {
    expect(() => new Lru(0)).toThrow(RangeError);
  });
});
