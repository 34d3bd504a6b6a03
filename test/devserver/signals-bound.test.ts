/**
 * The long-poll versions (devserver/matching.ts Signals) stay bounded however many runs change, and a bounded
 * table never loses a wake-up: a key notified after its version was read never reads as unchanged, evicted or not.
 */
import { describe, expect, it } from 'vitest';
import { Signals } from '../../devserver/matching';

describe('Signals with a bounded version table', () => {
  it('holds at most maxKeys versions while many keys change', () => {
    const signals = new Signals(100);
    for (let i = 0; i < 10_000; i++) signals.notify(`r\u0000run-${i}`);
    expect(signals.size).toBe(100);
  });

  it('a key notified after its version was read reads as changed, also once evicted', async () => {
    const signals = new Signals(3);
    const seen = signals.version('a');
    signals.notify('a');
    expect(signals.version('a')).not.toBe(seen);
    for (const k of ['b', 'c', 'd', 'e']) signals.notify(k); // 'a' is evicted
    expect(signals.size).toBe(3);
    expect(signals.version('a')).not.toBe(seen);
    // wait() with the stale version returns at once (true: look again), never waits for the timeout.
    expect(await signals.wait('a', seen, 60_000)).toBe(true);
  });

  it('an unchanged key keeps its version when it is evicted, so its waiter still waits for a notify', async () => {
    const signals = new Signals(2);
    signals.notify('x');
    const seen = signals.version('x');
    const woken = signals.wait('x', seen, 60_000);
    signals.notify('y');
    signals.notify('z'); // evicts 'x' at the version its waiter saw
    expect(signals.version('x')).toBe(seen);
    expect(signals.waiting('x')).toBe(1);
    signals.notify('x');
    expect(await woken).toBe(true);
    expect(signals.waiting('x')).toBe(0);
  });
});
