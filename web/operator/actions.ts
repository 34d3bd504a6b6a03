/**
 * Console actions on cases: each is the ops CLI's own command line (ops/main.ts `runCommand`), run for the operator
 * the session's token names — the code path of `npm run ops` and `POST /ops/commands` —, so a dry run is the CLI's
 * dry run (no write RPC, no audit row) and every real action is audited by ops/repair.ts with the operator and the
 * reason. The console asks for a reason and a confirmation before anything that writes.
 */
import { runCommand } from '../../ops/main';
import type { Operator } from '../../ops/audit';
import type { OpsDeps } from '../../ops/common';
import type { ActionResult, BulkReport } from '../../ops/repair';
import type { StuckKind } from '../../ops/stuck';
import { getProcedure } from '../../procedures/catalog';
import { REASON_MAX_LENGTH, ConsoleInputError } from './console-input';

export const CASE_ACTIONS = ['retry', 'reset', 'cancel', 'terminate', 'send'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export interface CaseActionRequest {
  action: CaseAction;
  caseId: string;
  reason: string;
  dryRun: boolean;
  /** reset: the statechart state (dotted path) or "start". */
  toState?: string;
  /** send: the event type and the person it is sent on behalf of (an officer id or a citizen's personal ID). */
  eventType?: string;
  onBehalfOf?: string;
  /** send: the procedure, to read the event's declared actor. */
  procedureId?: string;
  procedureVersion?: number;
}

export interface BulkActionRequest {
  action: 'retry' | 'reset' | 'cancel' | 'terminate';
  reason: string;
  dryRun: boolean;
  toState?: string;
  procedureId?: string;
  agency?: string;
  kind?: StuckKind;
  /** Only stuck cases (default true in the console). */
  stuckOnly: boolean;
  max?: number;
}

export interface CommandOutcome<T> {
  exitCode: number;
  /** The command's JSON answer, when it gave one. */
  result: T | null;
  error?: { code: string; message: string };
  argv: string[];
}

function requireReason(reason: string): string {
  const r = reason.trim();
  if (!r) throw new ConsoleInputError('REASON_REQUIRED', 'reason');
  if (r.length > REASON_MAX_LENGTH) throw new ConsoleInputError('REASON_TOO_LONG', 'reason');
  return r;
}

/** The ops command line for one case's action (options first, then `--` and the case id, which may start with "-"). */
export function caseActionArgv(req: CaseActionRequest): string[] {
  const argv: string[] = [req.action, '--reason', requireReason(req.reason), '--json'];
  if (req.dryRun) argv.push('--dry-run');
  if (req.action === 'reset') {
    if (!req.toState?.trim()) throw new ConsoleInputError('STATE_REQUIRED', 'toState');
    argv.push('--to', req.toState.trim());
  }
  if (req.action === 'send') {
    if (!req.eventType || !req.procedureId) throw new ConsoleInputError('EVENT_REQUIRED', 'eventType');
    const decl = getProcedure(req.procedureId, req.procedureVersion).events.find((e) => e.type === req.eventType);
    if (!decl || decl.actor === 'system') throw new ConsoleInputError('EVENT_REQUIRED', 'eventType');
    const id = req.onBehalfOf?.trim();
    if (!id) throw new ConsoleInputError('ACTOR_REQUIRED', 'onBehalfOf');
    const actor = { kind: decl.actor, id, ...(decl.agency ? { agency: decl.agency } : {}) };
    argv.push('--event', JSON.stringify({ type: decl.type, actor }));
  }
  argv.push('--', req.caseId);
  return argv;
}

export function bulkActionArgv(req: BulkActionRequest): string[] {
  const argv: string[] = ['bulk', req.action, '--reason', requireReason(req.reason), '--json'];
  if (req.dryRun) argv.push('--dry-run');
  if (req.action === 'reset') {
    if (!req.toState?.trim()) throw new ConsoleInputError('STATE_REQUIRED', 'toState');
    argv.push('--to', req.toState.trim());
  }
  if (req.procedureId) argv.push('--procedure', req.procedureId);
  if (req.agency) argv.push('--agency', req.agency);
  if (req.stuckOnly) argv.push('--stuck');
  if (req.kind) argv.push('--kind', req.kind);
  if (req.max !== undefined) argv.push('--max', String(req.max));
  return argv;
}

/** Runs an ops command line for the operator; the JSON it prints is the result. */
export async function runOpsCommand<T>(deps: OpsDeps, operator: Operator, argv: string[]): Promise<CommandOutcome<T>> {
  const lines: string[] = [];
  try {
    const exitCode = await runCommand(deps, argv, {}, (line) => lines.push(line), operator);
    const text = lines.join('\n').trim();
    return { exitCode, result: text.startsWith('{') || text.startsWith('[') ? (JSON.parse(text) as T) : null, argv };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { exitCode: 1, result: null, error: { code: e.code ?? 'ERROR', message: e.message ?? String(err) }, argv };
  }
}

export async function runCaseAction(deps: OpsDeps, operator: Operator, req: CaseActionRequest): Promise<CommandOutcome<ActionResult>> {
  return runOpsCommand<ActionResult>(deps, operator, caseActionArgv(req));
}

export async function runBulkAction(deps: OpsDeps, operator: Operator, req: BulkActionRequest): Promise<CommandOutcome<BulkReport>> {
  return runOpsCommand<BulkReport>(deps, operator, bulkActionArgv(req));
}
