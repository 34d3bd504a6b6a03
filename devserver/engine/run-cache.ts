/**
 * In-process run cache: the committed mutable state of recently used runs (validated by `version` on write:
 * the UPDATE only succeeds if nobody else wrote the row), the tail of their history, and a per-run async
 * mutex so requests on one run serialize inside this process without a database round trip.
 *
 * Bounded, not proportional to open runs: both caches are LRUs bounded by entry count and by approximate bytes
 * (a state's JSON, an event's encoding); a run that falls out is read again from the database on its next use
 * (`Work.run`, `Engine.readRun`, `Engine.readEvents`), which is always correct since the database is authoritative.
 *
 * A history tail is kept encoded, one buffer per commit, and decoded when read: decoded events weigh ~3× their
 * encoding in the heap, in many small objects (nested messages, payloads, 64-bit ids) that every major GC marks;
 * a buffer is one object, its bytes outside the heap, so the byte bound is what the cache holds and the collector
 * has little to walk.
 */
import type { temporal } from '@temporalio/proto';
import { decodeEvent, enums } from '../proto';
import type { RunState } from './state';
import { Lru } from './lru';

/** A decoded history event (a message instance). */
type HistoryEvent = temporal.api.history.v1.HistoryEvent;

/** The events one commit appended, encoded back to back in one buffer; event `firstId + i` ends at `ends[i]`. */
interface EventChunk {
  firstId: number;
  bytes: Uint8Array;
  ends: number[];
}
/** A run's cached history tail: events [firstId, firstId + count), in order. */
interface EventTail {
  firstId: number;
  count: number;
  chunks: EventChunk[];
}
/** What a chunk holds in the heap besides its bytes (the buffer's objects, the ends), counted in the byte bound. */
const CHUNK_OVERHEAD_BYTES = 200;
const EVENT_END_BYTES = 8;

 

/** The run is busy past the timeout: the transaction is retried. */
export class RetryTransaction extends Error {
  readonly code = 'RETRY_TRANSACTION';
}

/** Bounds of the run cache (see DevServerOptions.runCache). */
export interface RunCacheLimits {
  /** Runs whose committed state is kept (default 10,000). */
  maxRuns?: number;
  /** Total size of the kept states, as JSON bytes (default 64 MiB). */
  maxStateBytes?: number;
  /** Runs whose history tail is kept decoded (default 2,000). */
  maxEventRuns?: number;
  /** Total size of the kept history tails, as encoded event bytes (default 32 MiB). */
  maxEventBytes?: number;
  /** Longest tail kept per run (default 400 events). */
  maxEventsPerRun?: number;
}

/** What a cached state says without being parsed. */
interface RunHead {
  namespaceId: string;
  workflowId: string;
  running: boolean;
}

function headOf(s: RunState): RunHead {
  return { namespaceId: s.namespaceId, workflowId: s.workflowId, running: s.status === RUNNING_STATUS };
}

const RUNNING_STATUS = enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

/** A state whose size is unknown (read from the database, not written here): counted at this size. */
const UNKNOWN_STATE_BYTES = 4096;
/** A parsed state held beside its JSON (readers share it) counts this many times the JSON's length more. */
const PARSED_STATE_FACTOR = 3;

export class RunCache {
  // A state this process wrote is kept as its JSON (what the database holds): compact, and a request that mutates
  // the run parses its own copy (cheaper than cloning an object graph); one read from the database is kept as read.
  private states: Lru<{ version: number; json?: string; state?: RunState; head: RunHead }>;
  // Which run is a workflow id's current one, as last seen: trusted only while that run is cached and running
  // (`runningCurrentRun`), since a workflow id has at most one running run and that run is its current one.
  private currentRuns: Lru<string>;
  private events: Lru<EventTail>;
  private locks = new Map<string, Promise<void>>();
  private readonly maxEventsPerRun: number;
  // Reads of a run's state that found it here or not (`getState`, `copyState`): a miss is a read from the database.
  private stateHits = 0;
  private stateMisses = 0;
  // Reads of history events that found all of them in a tail or not (`readEvents`).
  private eventHits = 0;
  private eventMisses = 0;

  constructor(limits: RunCacheLimits = {}) {
    this.states = new Lru(limits.maxRuns ?? 10_000, limits.maxStateBytes ?? 64 * 2 ** 20);
    this.events = new Lru(limits.maxEventRuns ?? 2_000, limits.maxEventBytes ?? 32 * 2 ** 20);
    this.maxEventsPerRun = limits.maxEventsPerRun ?? 400;
    this.currentRuns = new Lru(limits.maxRuns ?? 10_000);
  }

  /** What the cache holds now (runs and approximate bytes), for tests and diagnostics. */
  stats() {
    return {
      runs: this.states.size,
      stateBytes: this.states.weight,
      eventRuns: this.events.size,
      eventBytes: this.events.weight,
      evictions: this.states.evictions + this.events.evictions,
      stateHits: this.stateHits,
      stateMisses: this.stateMisses,
      eventHits: this.eventHits,
      eventMisses: this.eventMisses,
      locks: this.locks.size,
    };
  }

  /** Whether a run's state is cached (without making it recent). */
  holds(runId: string): boolean {
    return this.states.has(runId);
  }

  /**
   * The committed state, to read only: parsed once and shared by readers (an update's waiters read the run after each
   * change of it) until the next write replaces the entry.
   */
  getState(runId: string): { state: RunState; version: number } | undefined {
    const e = this.findState(runId);
    if (e === undefined) return undefined;
    if (e.state === undefined) {
      e.state = JSON.parse(e.json!) as RunState;
      // The byte bound holds the parsed objects too, not only the texts.
      this.states.reweigh(runId, e.json!.length * (1 + PARSED_STATE_FACTOR));
    }
    return { state: e.state, version: e.version };
  }
  /** A private copy of the committed state, for a request to mutate. */
  copyState(runId: string): { state: RunState; version: number } | undefined {
    const e = this.findState(runId);
    return e && { state: e.json !== undefined ? (JSON.parse(e.json) as RunState) : structuredClone(e.state!), version: e.version };
  }
  /** The run's entry, made recent, with the read counted as a hit or a miss. */
  private findState(runId: string) {
    const e = this.states.get(runId);
    if (e === undefined) this.stateMisses++;
    else this.stateHits++;
    return e;
  }
  /** A state read from the database. */
  setState(runId: string, state: RunState, version: number) {
    this.states.set(runId, { state, version, head: headOf(state) }, UNKNOWN_STATE_BYTES);
  }
  /** A state as this process just wrote it: its JSON text (`state`: the same state, for its status and ids). */
  setWritten(runId: string, json: string, version: number, state: RunState) {
    this.states.set(runId, { json, version, head: headOf(state) }, json.length);
  }

  /** `runId` is the current run of its workflow id (the database said so, or this process made it so). */
  noteCurrentRun(namespaceId: string, workflowId: string, runId: string) {
    this.currentRuns.set(`${namespaceId}\n${workflowId}`, runId);
  }
  /** The workflow id's current run when this cache knows it for sure: the noted run, cached and still running. */
  runningCurrentRun(namespaceId: string, workflowId: string): string | undefined {
    const runId = this.currentRuns.get(`${namespaceId}\n${workflowId}`);
    const head = runId === undefined ? undefined : this.states.get(runId)?.head;
    return head && head.running && head.namespaceId === namespaceId && head.workflowId === workflowId ? runId : undefined;
  }
  invalidate(runId: string) {
    this.states.delete(runId);
    this.events.delete(runId);
  }
  invalidateEvents(runId: string) {
    this.events.delete(runId);
  }

  appendEvents(runId: string, evs: { eventId: number; data: Uint8Array }[]) {
    if (evs.length === 0) return;
    let t = this.events.get(runId);
    // A new window (a run not cached, or a gap e.g. after a rollback) starts at the first new event.
    if (!t || t.firstId + t.count !== evs[0].eventId) t = { firstId: evs[0].eventId, count: 0, chunks: [] };
    t.chunks.push(packEvents(evs));
    t.count += evs.length;
    const extra = t.count - this.maxEventsPerRun;
    if (extra > 0) dropOldest(t, extra);
    let weight = 0;
    for (const c of t.chunks) weight += c.bytes.byteLength + CHUNK_OVERHEAD_BYTES + c.ends.length * EVENT_END_BYTES;
    this.events.set(runId, t, weight);
  }

  /** Events [fromId, toId), decoded afresh (the caller may keep or change them), if all cached; else null. */
  readEvents(runId: string, fromId: number, toId: number): HistoryEvent[] | null {
    return this.readEncodedEvents(runId, fromId, toId)?.map(decodeEvent) ?? null;
  }

  /** Events [fromId, toId) as encoded, if all cached (views of the tail's buffers, which are never written again); else null. */
  readEncodedEvents(runId: string, fromId: number, toId: number): Uint8Array[] | null {
    const t = this.events.get(runId);
    if (!t || fromId < t.firstId || toId > t.firstId + t.count) {
      this.eventMisses++;
      return null;
    }
    this.eventHits++;
    const out: Uint8Array[] = [];
    for (const c of t.chunks) {
      const from = Math.max(fromId, c.firstId);
      const to = Math.min(toId, c.firstId + c.ends.length);
      for (let id = from; id < to; id++) {
        const i = id - c.firstId;
        out.push(c.bytes.subarray(i === 0 ? 0 : c.ends[i - 1], c.ends[i]));
      }
    }
    return out;
  }

  /** Acquires the run's mutex; with `timeoutMs`, gives up (RetryTransaction → transaction retried) to avoid deadlocks. */
  async lock(runId: string, timeoutMs?: number): Promise<() => void> {
    for (;;) {
      const held = this.locks.get(runId);
      if (!held) break;
      if (timeoutMs == null) await held;
      else {
        let t: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          held.then(() => false),
          new Promise<boolean>((r) => (t = setTimeout(() => r(true), timeoutMs))),
        ]);
        clearTimeout(t);
        if (timedOut) throw new RetryTransaction(`run ${runId} is busy`);
      }
    }
    let release!: () => void;
    const p = new Promise<void>((r) => (release = r));
    this.locks.set(runId, p);
    return () => {
      if (this.locks.get(runId) === p) this.locks.delete(runId);
      release();
    };
  }
}

/** One buffer of its own (not a view of a pooled slab, which would keep the slab alive) holding the events in order. */
function packEvents(evs: { eventId: number; data: Uint8Array }[]): EventChunk {
  let size = 0;
  for (const e of evs) size += e.data.byteLength;
  const bytes = new Uint8Array(size);
  const ends: number[] = [];
  let at = 0;
  for (const e of evs) {
    bytes.set(e.data, at);
    at += e.data.byteLength;
    ends.push(at);
  }
  return { firstId: evs[0].eventId, bytes, ends };
}

/** Drops the tail's `n` oldest events: whole chunks, then a copy of what is kept of a chunk cut in two. */
function dropOldest(t: EventTail, n: number) {
  t.firstId += n;
  t.count -= n;
  while (t.chunks.length > 0 && t.chunks[0].firstId + t.chunks[0].ends.length <= t.firstId) t.chunks.shift();
  const c = t.chunks[0];
  if (c === undefined || c.firstId >= t.firstId) return;
  const cut = t.firstId - c.firstId;
  const offset = c.ends[cut - 1];
  t.chunks[0] = { firstId: t.firstId, bytes: c.bytes.slice(offset), ends: c.ends.slice(cut).map((e) => e - offset) };
}
