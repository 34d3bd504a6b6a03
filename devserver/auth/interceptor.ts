/**
 * Authentication and authorization of every gRPC call when the devserver runs with `auth`: a JWT bearer token in
 * the `authorization` metadata (verified like the API's: issuer, audience, expiry, signature — identity/), roles from
 * its `permissions` claim as Temporal's default authorizer applies them, and, beyond Temporal, task-queue scoping:
 * a credential whose subject is `worker:<name>` may poll and answer only the task queues configured for <name>
 * (e.g. `worker:police` → `agency-police`) and call nothing but the worker-side methods; no other credential may
 * poll or answer tasks (a system admin excepted). Over mTLS, a call without a bearer token but on a connection with a
 * verified client certificate is its certificate's identity (certificate-identities.ts): a token, when present, wins.
 * Refusals: UNAUTHENTICATED / PERMISSION_DENIED.
 */
import type { IncomingHttpHeaders } from 'node:http2';
import { randomBytes } from 'node:crypto';
import { bearerToken, TokenError, type TokenVerifier } from '../../identity/token-verifier';
import { PermissionDeniedError, UnauthenticatedError, type DevServerError } from '../errors';
import { toRpcStatus } from '../grpc';
import type { CallInterceptor } from '../transport/grpc-server';
import type { CallPeer } from '../transport/tls';
import type { CertificateIdentities } from './certificate-identities';
import { allowedByRoles, HEALTH_CHECK_METHODS, ROLE, temporalClaims, type TemporalClaims } from './temporal-permissions';
import { TaskTokenBinding } from './task-token-binding';
import { Lru } from '../engine/lru';

export interface DevServerAuthOptions {
  /** Verifies the bearer token (audience: the Temporal frontend's, e.g. `temporal`). */
  verify: TokenVerifier;
  /** Task queues each worker identity may use: `{ engine: ['engine'], police: ['agency-police'] }` for `worker:<name>`. */
  workerTaskQueues: Record<string, readonly string[]>;
  /** Key binding task tokens to their queue; keep it across restarts so in-flight tasks can still be answered. */
  taskTokenSecret?: Uint8Array;
  /** Verified client certificate CN → permissions and worker scope, for calls without a bearer token (mTLS). */
  certificateIdentities?: CertificateIdentities;
}

const POLLS = new Set(['PollWorkflowTaskQueue', 'PollActivityTaskQueue', 'PollNexusTaskQueue']);
const TOKEN_ANSWERS = new Set([
  'RespondWorkflowTaskCompleted',
  'RespondWorkflowTaskFailed',
  'RespondActivityTaskCompleted',
  'RespondActivityTaskFailed',
  'RespondActivityTaskCanceled',
  'RecordActivityTaskHeartbeat',
  'RespondQueryTaskCompleted',
  'RespondNexusTaskCompleted',
  'RespondNexusTaskFailed',
]);
/** What else a worker's SDK calls: no task queue, no case data. */
const WORKER_SIDE = new Set(['DescribeNamespace', 'ShutdownWorker', 'RecordWorkerHeartbeat', 'GetClusterInfo']);
const STICKY = 2; // TaskQueueKind.TASK_QUEUE_KIND_STICKY

const refuse = (err: DevServerError) => toRpcStatus(err);

interface Caller {
  claims: TemporalClaims;
  /** Queues a worker credential covers; null for any other credential. */
  queues: readonly string[] | null;
}

export function createAuthInterceptor(opts: DevServerAuthOptions): CallInterceptor {
  const binding = new TaskTokenBinding(opts.taskTokenSecret ?? randomBytes(32));
  const stickyOwners = new Map<string, string>();
  /** Runs whose workflow tasks went to a queue: their worker may page through their history, no one else's. */
  const runQueues = new Lru<string>(100_000);
  const cache = new Map<string, { caller: Caller; expiresAt: number }>();

  const callerFor = (subject: string, permissions: unknown, worker: string | null): Caller => ({
    claims: temporalClaims(subject, permissions),
    queues: worker === null ? null : (opts.workerTaskQueues[worker] ?? []),
  });
  const certificateCallers = new Map<string, Caller>();

  /** The identity of a tokenless call on a connection with a verified client certificate, or null. */
  function certificateCaller(peer: CallPeer): Caller | null {
    const cert = peer.certificateSubject;
    if (!cert || !opts.certificateIdentities) return null;
    const known = certificateCallers.get(cert.commonName);
    if (known) return known;
    const identity = Object.hasOwn(opts.certificateIdentities, cert.commonName) ? opts.certificateIdentities[cert.commonName] : undefined;
    if (!identity) throw refuse(new PermissionDeniedError(`the client certificate ${cert.distinguishedName} has no identity mapping`));
    const caller = callerFor(cert.commonName, identity.permissions, identity.worker ?? null);
    certificateCallers.set(cert.commonName, caller);
    return caller;
  }

  async function callerOf(headers: IncomingHttpHeaders, peer: CallPeer): Promise<Caller> {
    const raw = headers.authorization;
    const token = bearerToken(Array.isArray(raw) ? raw[0] : raw);
    if (!token) {
      const byCertificate = certificateCaller(peer);
      if (byCertificate) return byCertificate;
    }
    const hit = token ? cache.get(token) : undefined;
    if (hit && hit.expiresAt > Date.now()) return hit.caller;
    let verified;
    try {
      verified = await opts.verify(token);
    } catch (err) {
      if (err instanceof TokenError) {
        const message = err.code === 'TOKEN_MISSING' && opts.certificateIdentities ? 'A bearer token or a verified client certificate is required.' : err.message;
        throw refuse(new UnauthenticatedError(err.code, message));
      }
      throw err;
    }
    const sub = String(verified.claims.sub);
    const caller = callerFor(sub, verified.claims.permissions, sub.startsWith('worker:') ? sub.slice('worker:'.length) : null);
    if (token && verified.claims.exp) {
      if (cache.size > 1000) cache.clear();
      cache.set(token, { caller, expiresAt: verified.claims.exp * 1000 });
    }
    return caller;
  }

  /** The queue a poll serves: a sticky queue counts as its worker's normal queue, and belongs to its first poller. */
  function pollQueue(caller: Caller, req: { taskQueue?: { name?: string; kind?: number; normalName?: string } }): string {
    const tq = req.taskQueue ?? {};
    if (tq.kind !== STICKY) return tq.name ?? '';
    const owner = stickyOwners.get(tq.name ?? '');
    if (owner && owner !== caller.claims.subject) throw refuse(new PermissionDeniedError(`sticky task queue ${tq.name} belongs to another worker`));
    if (!owner) {
      if (stickyOwners.size > 10_000) stickyOwners.clear();
      stickyOwners.set(tq.name ?? '', caller.claims.subject);
    }
    return tq.normalName ?? '';
  }

  function checkQueue(caller: Caller, queue: string): void {
    if (caller.queues === null) {
      if (caller.claims.system >= ROLE.admin) return;
      throw refuse(new PermissionDeniedError(`${caller.claims.subject} is not a worker: only worker credentials poll and answer tasks`));
    }
    if (!caller.queues.includes(queue)) {
      throw refuse(new PermissionDeniedError(`${caller.claims.subject} may not use task queue "${queue}" (allowed: ${caller.queues.join(', ') || 'none'})`));
    }
  }

  /** Binds the answer's task tokens to `queue`; a workflow task's run is remembered for its history pages. */
  const bindAll = (queue: string, workflowTasks: boolean) => (response: unknown) => {
    const r = response as {
      taskToken?: Uint8Array;
      workflowExecution?: { runId?: string };
      activityTasks?: { taskToken?: Uint8Array }[];
      workflowTask?: { taskToken?: Uint8Array; workflowExecution?: { runId?: string } };
      eagerWorkflowTask?: { taskToken?: Uint8Array; workflowExecution?: { runId?: string } };
    };
    for (const runId of [r.workflowExecution?.runId, r.workflowTask?.workflowExecution?.runId, r.eagerWorkflowTask?.workflowExecution?.runId]) {
      if (!runId || !workflowTasks) continue;
      runQueues.set(runId, queue);
    }
    if (r.taskToken?.length) r.taskToken = binding.bind(r.taskToken, queue);
    for (const t of r.activityTasks ?? []) if (t.taskToken?.length) t.taskToken = binding.bind(t.taskToken, queue);
    if (r.workflowTask?.taskToken?.length) r.workflowTask.taskToken = binding.bind(r.workflowTask.taskToken, queue);
    if (r.eagerWorkflowTask?.taskToken?.length) r.eagerWorkflowTask.taskToken = binding.bind(r.eagerWorkflowTask.taskToken, queue);
    return response;
  };

  return async (path, headers, request, peer) => {
    const method = path.slice(path.lastIndexOf('/') + 1);
    if (HEALTH_CHECK_METHODS.has(method)) return { request };
    const caller = await callerOf(headers, peer);
    const req = request as { namespace?: string; taskToken?: Uint8Array };
    if (!allowedByRoles(caller.claims, method, req.namespace)) {
      throw refuse(new PermissionDeniedError(`${caller.claims.subject} has no role for ${method} on namespace "${req.namespace ?? ''}"`));
    }
    if (POLLS.has(method)) {
      const queue = pollQueue(caller, request as never);
      checkQueue(caller, queue);
      return { request, mapResponse: bindAll(queue, method === 'PollWorkflowTaskQueue') };
    }
    if (TOKEN_ANSWERS.has(method)) {
      const bound = binding.unbind(req.taskToken);
      if (!bound) throw refuse(new PermissionDeniedError('the task token was not issued by this server to a worker'));
      checkQueue(caller, bound.queue);
      req.taskToken = bound.token;
      return { request, mapResponse: bindAll(bound.queue, method.startsWith('RespondWorkflowTask')) };
    }
    const eager = request as { requestEagerExecution?: boolean; taskQueue?: { name?: string } };
    if (caller.queues === null && method === 'StartWorkflowExecution' && eager.requestEagerExecution) {
      // Eager start hands the caller the first workflow task: only to a caller that may poll its queue (a system
      // admin; worker credentials cannot start workflows, below). For anyone else it is declined, as Temporal may
      // decline it: the workflow starts and its task is queued.
      if (caller.claims.system >= ROLE.admin) return { request, mapResponse: bindAll(eager.taskQueue?.name ?? '', true) };
      eager.requestEagerExecution = false;
      return { request };
    }
    if (caller.queues !== null && method === 'GetWorkflowExecutionHistory') {
      // The SDK pages through a run's history while it works on its workflow task.
      const runId = (request as { execution?: { runId?: string } }).execution?.runId ?? '';
      checkQueue(caller, runQueues.get(runId) ?? '');
      return { request };
    }
    if (caller.queues !== null && !WORKER_SIDE.has(method)) {
      throw refuse(new PermissionDeniedError(`${caller.claims.subject} is a worker credential: it may only poll and answer its task queues`));
    }
    return { request };
  };
}
