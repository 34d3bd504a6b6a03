/**
 * A minimal Temporal worker speaking the WorkflowService API directly (no SDK sandbox, no Rust core, no grpc-js:
 * its calls go through bench/lean-grpc-client.ts on node:http2), so a benchmark can measure what the devserver
 * sustains when the worker costs next to nothing.
 *
 * It runs the workflow type `threeActivities` with the semantics of devserver/harness/workflows: three sequential
 * `echo` activities with inputs `${x}-0`, `${x}-1`, `${x}-2`, then completes with the array of their results.
 * Every workflow task schedules the next activity or completes the workflow. Like the SDK it asks for sticky
 * execution and polls its sticky queue: there the server sends only the new events, so the run's state is
 * kept in a Map keyed by run id; a task from the normal queue (full history) rebuilds it from scratch, and a
 * sticky task whose state is missing fetches the full history.
 *
 * Activity tasks (any type) are answered with their input: every activity is `echo`. Like the SDK it asks for
 * eager execution of the activities it schedules (they come back in the RespondWorkflowTaskCompleted answer);
 * it also polls the activity queue for the others (retries, or eagerActivities: false).
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { msToTs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { LeanGrpcClient, type MethodName, type RequestOf, type ResponseOf } from './lean-grpc-client';
import { Status } from '../devserver/transport/grpc-wire';
import { setTimeout as sleep } from 'node:timers/promises';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type PollWorkflowTaskResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type Payload = temporal.api.common.v1.IPayload;
type ActivityTask = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;

// temporal.api.enums.v1 values (numbers, to avoid loading the reflection root for three constants).
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_KIND_STICKY = 2;
const COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK = 1;
const COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION = 4;

const ACTIVITIES = 3;
const STICKY_SCHEDULE_TO_START = msToTs('10s');
const JSON_PLAIN = new TextEncoder().encode('json/plain');
const utf8 = new TextDecoder();

export function jsonPayload(value: unknown): Payload {
  return { metadata: { encoding: JSON_PLAIN }, data: new TextEncoder().encode(JSON.stringify(value)) };
}

function decodePayload(p: Payload | null | undefined): unknown {
  return p?.data && p.data.length > 0 ? JSON.parse(utf8.decode(p.data)) : undefined;
}

/** What a run has seen so far: its input, its activity results, the last event applied. */
interface RunState {
  input: string;
  results: unknown[];
  lastEventId: number;
}

export interface ProtocolWorkerOptions {
  address: string;
  taskQueue: string;
  namespace?: string;
  /** Workflow task pollers, split between the normal and the sticky queue (default 8: 4 + 4). */
  workflowPollers?: number;
  /** Activity task pollers (default 8). */
  activityPollers?: number;
  /** Tasks handled at once (a poller polls again as soon as it hands its task over; default 100 / 500). */
  maxConcurrentWorkflowTasks?: number;
  maxConcurrentActivityTasks?: number;
  /**
   * Ask for eager execution of the scheduled activities (the server starts them and hands them back in the
   * RespondWorkflowTaskCompleted answer), as the SDK does by default for an activity on the workflow's queue.
   * Default true.
   */
  eagerActivities?: boolean;
  /** Start-to-close timeout of the scheduled activities, seconds (default 5). */
  activityTimeoutSeconds?: number;
  /** Reports failures other than a stale task or a shutdown (default: console.error). */
  log?: (msg: string) => void;
}

export interface ProtocolWorkerStats {
  workflowTasks: number;
  stickyTasks: number;
  fullHistoryFetches: number;
  /** Activity tasks run, of which `eagerActivityTasks` came back in a workflow task answer. */
  activityTasks: number;
  eagerActivityTasks: number;
  completedWorkflows: number;
  staleTasks: number;
  errors: number;
}

const isGrpcCode = (e: unknown, code: number) => (e as { code?: number })?.code === code;

export class ProtocolWorker {
  readonly identity = `protocol-worker-${process.pid}-${randomUUID().slice(0, 6)}`;
  readonly stickyQueue: string;
  readonly stats: ProtocolWorkerStats = {
    workflowTasks: 0,
    stickyTasks: 0,
    fullHistoryFetches: 0,
    activityTasks: 0,
    eagerActivityTasks: 0,
    completedWorkflows: 0,
    staleTasks: 0,
    errors: 0,
  };
  private readonly namespace: string;
  private readonly runs = new Map<string, RunState>();
  /** Aborts the pending long polls when the worker stops. */
  private readonly stopPolls = new AbortController();
  private rpc?: LeanGrpcClient;
  private loops: Promise<void>[] = [];
  private readonly inFlight = { workflow: new Set<Promise<void>>(), activity: new Set<Promise<void>>() };
  private stopping = false;
  private readonly activityTimeout: ReturnType<typeof msToTs>;
  private readonly eager: boolean;

  constructor(private readonly options: ProtocolWorkerOptions) {
    this.namespace = options.namespace ?? 'default';
    this.stickyQueue = `${options.taskQueue}-sticky-${randomUUID().slice(0, 8)}`;
    this.eager = options.eagerActivities ?? true;
    this.activityTimeout = msToTs((options.activityTimeoutSeconds ?? 5) * 1000);
    setMaxListeners(0, this.stopPolls.signal); // one listener per pending poll
  }

  private call<M extends MethodName>(method: M, request: RequestOf<M>, signal?: AbortSignal): Promise<ResponseOf<M>> {
    return this.rpc!.call(method, request, signal);
  }

  private log(msg: string) {
    (this.options.log ?? console.error)(`[protocol-worker] ${msg}`);
  }

  async start(): Promise<void> {
    if (this.rpc) throw new Error('already started');
    this.rpc = new LeanGrpcClient(this.options.address);
    // Connect now (a cheap call), so a wrong address fails here.
    await this.call('GetSystemInfo', {});
    const wfPollers = Math.max(2, this.options.workflowPollers ?? 8);
    const normal = Math.max(1, Math.floor(wfPollers / 2));
    const normalQueue = { name: this.options.taskQueue, kind: TASK_QUEUE_KIND_NORMAL };
    const stickyQueue = { name: this.stickyQueue, kind: TASK_QUEUE_KIND_STICKY, normalName: this.options.taskQueue };
    for (let i = 0; i < wfPollers; i++) this.loops.push(this.workflowLoop(i < normal ? normalQueue : stickyQueue));
    for (let i = 0; i < (this.options.activityPollers ?? 8); i++) this.loops.push(this.activityLoop());
  }

  /** Ends the polling loops (pending long polls are cancelled) and closes the connection. */
  async stop(): Promise<void> {
    if (!this.rpc || this.stopping) return;
    this.stopping = true;
    // The server moves tasks still on the sticky queue back to the normal queue.
    await this.call(
      'ShutdownWorker',
      { namespace: this.namespace, stickyTaskQueue: this.stickyQueue, identity: this.identity, reason: 'bench done' },
      AbortSignal.timeout(2000),
    ).catch(() => {});
    this.stopPolls.abort();
    await Promise.all(this.loops);
    await Promise.all([...this.inFlight.workflow, ...this.inFlight.activity]);
    this.loops = [];
    this.runs.clear();
    await this.rpc.close();
  }

  /** Runs a poll that stop() can cancel; null when the worker is stopping or the poll failed. */
  private async poll<M extends 'PollWorkflowTaskQueue' | 'PollActivityTaskQueue'>(method: M, request: RequestOf<M>): Promise<ResponseOf<M> | null> {
    if (this.stopping) return null;
    try {
      return await this.call(method, request, this.stopPolls.signal);
    } catch (e) {
      if (this.stopping || isGrpcCode(e, Status.CANCELLED)) return null;
      this.stats.errors++;
      this.log(`${method} failed: ${(e as Error).message}`);
      await sleep(100);
      return null;
    }
  }

  /** Sends an answer; null if it failed (logged; a stale task — NOT_FOUND — is skipped). */
  private async respond<T>(what: string, fn: () => Promise<T>, runId?: string): Promise<T | null> {
    try {
      return await fn();
    } catch (e) {
      if (runId) this.runs.delete(runId);
      if (isGrpcCode(e, Status.NOT_FOUND)) {
        this.stats.staleTasks++;
        this.log(`${what}: stale task skipped (${(e as Error).message})`);
        return null;
      }
      if (this.stopping) return null;
      this.stats.errors++;
      this.log(`${what} failed: ${(e as Error).message}`);
      return null;
    }
  }

  /** Handles a task without holding up its poller, at most `max` at once. */
  private async dispatch(kind: 'workflow' | 'activity', max: number, handle: () => Promise<void>): Promise<void> {
    const set = this.inFlight[kind];
    const p: Promise<void> = handle()
      .catch((e: unknown) => {
        this.stats.errors++;
        this.log(`${kind} task failed: ${(e as Error).message}`);
      })
      .finally(() => set.delete(p));
    set.add(p);
    while (set.size >= max) await Promise.race(set);
  }

  private async workflowLoop(taskQueue: { name: string; kind: number; normalName?: string }): Promise<void> {
    while (!this.stopping) {
      const task = await this.poll('PollWorkflowTaskQueue', { namespace: this.namespace, taskQueue, identity: this.identity });
      if (!task?.taskToken?.length) continue; // long poll ended empty, or stopping
      if (task.query) continue; // legacy query task: the bench sends none
      await this.dispatch('workflow', this.options.maxConcurrentWorkflowTasks ?? 100, () =>
        this.workflowTask(task, taskQueue.kind === TASK_QUEUE_KIND_STICKY),
      );
    }
  }

  /** Runs a workflow task that came back in a start's answer (eager workflow start) instead of from a poll. */
  runEagerTask(task: PollWorkflowTaskResponse): void {
    void this.dispatch('workflow', Number.MAX_SAFE_INTEGER, () => this.workflowTask(task, false));
  }

  private async workflowTask(task: PollWorkflowTaskResponse, sticky: boolean): Promise<void> {
    this.stats.workflowTasks++;
    if (sticky) this.stats.stickyTasks++;
    const runId = task.workflowExecution?.runId ?? '';
    let events = await this.allPages(task);
    if (!events) return;
    let state = this.runs.get(runId);
    const first = Number(events[0]?.eventId ?? 0);
    if (first === 1) state = undefined; // full history: rebuild
    else if (!state || state.lastEventId + 1 < first) {
      // Sticky task without its state (e.g. after a failed answer): take the full history.
      this.stats.fullHistoryFetches++;
      state = undefined;
      const full = await this.fetchHistory(task, null);
      if (!full) return;
      events = full;
    }
    state ??= { input: '', results: [], lastEventId: 0 };
    for (const e of events) {
      const id = Number(e.eventId);
      if (id <= state.lastEventId) continue;
      state.lastEventId = id;
      if (e.workflowExecutionStartedEventAttributes) {
        state.input = String(decodePayload(e.workflowExecutionStartedEventAttributes.input?.payloads?.[0]) ?? '');
      } else if (e.activityTaskCompletedEventAttributes) {
        state.results.push(decodePayload(e.activityTaskCompletedEventAttributes.result?.payloads?.[0]));
      }
    }
    const n = state.results.length;
    const done = n >= ACTIVITIES;
    const command = done
      ? {
          commandType: COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
          completeWorkflowExecutionCommandAttributes: { result: { payloads: [jsonPayload(state.results)] } },
        }
      : {
          commandType: COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
          scheduleActivityTaskCommandAttributes: {
            activityId: String(n + 1),
            activityType: { name: 'echo' },
            taskQueue: { name: this.options.taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
            input: { payloads: [jsonPayload(`${state.input}-${n}`)] },
            startToCloseTimeout: this.activityTimeout,
            retryPolicy: { maximumAttempts: 5 },
            requestEagerExecution: this.eager,
          },
        };
    if (done) this.runs.delete(runId);
    else this.runs.set(runId, state);
    const answer = await this.respond(
      'RespondWorkflowTaskCompleted',
      () =>
        this.call('RespondWorkflowTaskCompleted', {
          namespace: this.namespace,
          taskToken: task.taskToken,
          identity: this.identity,
          commands: [command],
          stickyAttributes: done
            ? null
            : {
                workerTaskQueue: { name: this.stickyQueue, kind: TASK_QUEUE_KIND_STICKY, normalName: this.options.taskQueue },
                scheduleToStartTimeout: STICKY_SCHEDULE_TO_START,
              },
        }),
      runId,
    );
    if (done && answer) this.stats.completedWorkflows++;
    // Eager activities: started by the server and handed back in the answer (no activity poll).
    for (const t of answer?.activityTasks ?? []) {
      this.stats.eagerActivityTasks++;
      await this.activityTask(t);
    }
  }

  /** The task's events, with further pages if the server paginated them; null if that failed. */
  private async allPages(task: PollWorkflowTaskResponse): Promise<HistoryEvent[] | null> {
    const events = task.history?.events ?? [];
    if (!task.nextPageToken?.length) return events;
    const rest = await this.fetchHistory(task, task.nextPageToken);
    return rest && [...events, ...rest];
  }

  private async fetchHistory(task: PollWorkflowTaskResponse, pageToken: Uint8Array | null): Promise<HistoryEvent[] | null> {
    const events: HistoryEvent[] = [];
    let token = pageToken;
    try {
      do {
        const r = await this.call('GetWorkflowExecutionHistory', {
          namespace: this.namespace,
          execution: task.workflowExecution,
          nextPageToken: token,
        });
        events.push(...(r.history?.events ?? []));
        token = r.nextPageToken?.length ? r.nextPageToken : null;
      } while (token);
      return events;
    } catch (e) {
      if (!this.stopping) {
        this.stats.errors++;
        this.log(`GetWorkflowExecutionHistory failed: ${(e as Error).message}`);
      }
      return null;
    }
  }

  /** Every activity is `echo`: its result is its input. */
  private async activityTask(task: ActivityTask): Promise<void> {
    this.stats.activityTasks++;
    await this.respond('RespondActivityTaskCompleted', () =>
      this.call('RespondActivityTaskCompleted', {
        namespace: this.namespace,
        taskToken: task.taskToken,
        identity: this.identity,
        result: { payloads: task.input?.payloads?.slice(0, 1) ?? [] },
      }),
    );
  }

  private async activityLoop(): Promise<void> {
    const taskQueue = { name: this.options.taskQueue, kind: TASK_QUEUE_KIND_NORMAL };
    while (!this.stopping) {
      const task = await this.poll('PollActivityTaskQueue', { namespace: this.namespace, taskQueue, identity: this.identity });
      if (!task?.taskToken?.length) continue;
      await this.dispatch('activity', this.options.maxConcurrentActivityTasks ?? 500, () => this.activityTask(task));
    }
  }
}
