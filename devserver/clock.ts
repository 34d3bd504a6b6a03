/** Time and id sources, injected so tests can control them. */
import { randomUUID } from 'node:crypto';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface IdGenerator {
  runId(): string;
  requestId(): string;
}
export const randomIds: IdGenerator = { runId: () => randomUUID(), requestId: () => randomUUID() };
