/** Test-only activities (in-process state keyed by test key). */
import { Context, ApplicationFailure, CancelledFailure, CompleteAsyncError } from '@temporalio/activity';
import { setTimeout as sleep } from 'node:timers/promises';

export const calls = new Map<string, number>();
const bump = (key: string) => {
  const n = (calls.get(key) ?? 0) + 1;
  calls.set(key, n);
  return n;
};

export async function echo(s: string): Promise<string> {
  return s;
}

/** A string of `n` characters (a result larger than the input), counted under `key`. */
export async function grow(key: string, n: number): Promise<string> {
  bump(key);
  return 'g'.repeat(n);
}

export async function flaky(key: string, failTimes: number): Promise<number> {
  const n = bump(key);
  if (n <= failTimes) throw new Error(`flaky failure ${n}`);
  return Context.current().info.attempt;
}

export async function failNonRetryable(key: string): Promise<void> {
  bump(key);
  throw ApplicationFailure.nonRetryable('fatal (flag)', 'SomeError');
}

export async function failWithType(key: string, type: string): Promise<void> {
  bump(key);
  throw ApplicationFailure.create({ message: `fatal (${type})`, type });
}

export async function sleepFor(key: string, ms: number): Promise<void> {
  bump(key);
  await Context.current().sleep(ms).catch(() => undefined);
}

export async function heartbeatThenStall(key: string): Promise<void> {
  bump(key);
  Context.current().heartbeat('once');
  await sleep(3000);
}

export async function countWithHeartbeat(key: string, total: number, failAt: number): Promise<{ resumedFrom: number; total: number }> {
  const ctx = Context.current();
  const resumedFrom = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
  calls.set(`${key}:resumedFrom:${ctx.info.attempt}`, resumedFrom);
  for (let i = resumedFrom; i < total; i++) {
    ctx.heartbeat(i);
    if (ctx.info.attempt === 1 && i === failAt) {
      // Make sure the heartbeat reached the server before failing.
      await sleep(100);
      ctx.heartbeat(i);
      await sleep(100);
      throw new Error('fail midway');
    }
    await sleep(5);
  }
  return { resumedFrom, total };
}

export async function heartbeatUntilCancelled(key: string): Promise<void> {
  bump(key);
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat();
    try {
      await ctx.sleep(100);
    } catch (e) {
      if (e instanceof CancelledFailure) {
        calls.set(`${key}:cancelled`, 1);
        throw e;
      }
      throw e;
    }
  }
}

/** Heartbeats until the server asks for a reset (first call); a later call returns the attempt it runs as. */
export async function heartbeatUntilReset(key: string): Promise<number> {
  const ctx = Context.current();
  if (bump(key) > 1) return ctx.info.attempt;
  for (;;) {
    ctx.heartbeat();
    await ctx.sleep(100);
  }
}

export async function cleanup(key: string): Promise<void> {
  calls.set(`${key}:cleanup`, 1);
}

/** Completes asynchronously: the test completes it through the client (by token or by id). */
export async function completeLater(key: string): Promise<string> {
  const ctx = Context.current();
  calls.set(`${key}:token`, 1);
  tokens.set(key, ctx.info.taskToken);
  throw new CompleteAsyncError();
}
export const tokens = new Map<string, Uint8Array>();
