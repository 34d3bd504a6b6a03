/**
 * `tsx bench/bounded-maps.ts` (part of `npm run bench:devserver`) — what the devserver's bounded maps cost per
 * operation below their bound and far past it, where every operation evicts: the long-poll versions
 * (Signals.notify, 50,000 keys) and the run cache's LRU (10,000 runs). Past the bound each operation allocates an
 * entry and evicts one, a few times the cost below it; an eviction that walked the Map's deleted slots (before
 * 2026-12-06) made it 35–80 times (docs/performance.md, "Where a decision at 100,000 open cases goes").
 */
import { Lru } from '../devserver/engine/lru';
import { Signals, runKey } from '../devserver/matching';
import { markdownTable, fmt } from './report';
import { wholeNumberEnv } from './env-options';

const OPS = wholeNumberEnv(process.env, 'BENCH_MAP_OPS', 500_000);

/** µs per call of `op(i)` over OPS calls, after as many unmeasured ones (the same key pattern, warm). */
function perOp(op: (i: number) => void): number {
  for (let i = 0; i < OPS; i++) op(i);
  const t0 = performance.now();
  for (let i = OPS; i < 2 * OPS; i++) op(i);
  return ((performance.now() - t0) * 1000) / OPS;
}

/** Keys drawn over `distinct` values in a scattered order (a random case's run, as a decision picks it). */
const keyOf = (i: number, distinct: number) => runKey(`run-${(i * 7919) % distinct}`);

/** Each map as the devserver uses it, at its default bound: one operation on key `k`. */
const MAPS: { name: string; bound: number; make: (bound: number) => (k: string) => void }[] = [
  {
    name: 'Signals.notify (long-poll versions)',
    bound: 50_000,
    make: (bound) => {
      const signals = new Signals(bound);
      return (k) => signals.notify(k);
    },
  },
  {
    name: 'Lru.get, then set when missing (run cache)',
    bound: 10_000,
    make: (bound) => {
      const lru = new Lru<number>(bound);
      return (k) => {
        if (lru.get(k) === undefined) lru.set(k, 1, 100);
      };
    },
  },
];

const rows: string[][] = [];
for (const { name, bound, make } of MAPS) {
  const belowOp = make(bound);
  const below = perOp((i) => belowOp(keyOf(i, Math.floor(bound / 2))));
  const pastOp = make(bound);
  const past = perOp((i) => pastOp(keyOf(i, bound * 10)));
  rows.push([name, String(bound), fmt(below, 2), fmt(past, 2), `${fmt(past / below, 1)}×`]);
}
console.log(`\nBounded maps — µs per operation, ${OPS} measured after as many warm-up operations\n`);
console.log(markdownTable(['map', 'bound', 'keys = half the bound', 'keys = 10 × the bound (every op evicts)', 'ratio'], rows));
