/**
 * Checks every WorkflowService request makes before its handler runs, as Temporal's frontend does: a run id that is
 * not a UUID is INVALID_ARGUMENT "Invalid RunId." (it could never name a run; the storage's uuid columns would
 * otherwise refuse it as a database error).
 */
import { InvalidArgumentError, type WorkflowServiceHandlers } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Execution = { runId?: string | null } | null | undefined;
interface RunIdCarrier {
  runId?: string | null;
  firstExecutionRunId?: string | null;
  execution?: Execution;
  workflowExecution?: Execution;
  parentExecution?: Execution;
  updateRef?: { workflowExecution?: Execution } | null;
}

/** The run ids a request names at its top level (commands inside a task completion are validated as commands). */
function runIdsOf(req: RunIdCarrier): (string | null | undefined)[] {
  return [req.runId, req.firstExecutionRunId, req.execution?.runId, req.workflowExecution?.runId, req.parentExecution?.runId, req.updateRef?.workflowExecution?.runId];
}

export function requireValidRunIds(req: unknown): void {
  if (!req || typeof req !== 'object') return;
  for (const id of runIdsOf(req as RunIdCarrier)) if (id && !UUID.test(id)) throw new InvalidArgumentError('Invalid RunId.');
}

/** Wraps every handler with the request checks. */
export function withRequestValidation(h: WorkflowServiceHandlers): void {
  for (const [name, inner] of Object.entries(h) as [keyof WorkflowServiceHandlers, ((req: unknown, signal: AbortSignal) => Promise<object>) | undefined][]) {
    if (!inner) continue;
    const wrapped = (req: unknown, signal: AbortSignal) => {
      requireValidRunIds(req);
      return inner(req, signal);
    };
    // Keep the arity: long-poll handlers (two parameters) are given the caller's abort signal.
    Object.defineProperty(wrapped, 'length', { value: inner.length });
    (h as Record<string, unknown>)[name] = wrapped;
  }
}
