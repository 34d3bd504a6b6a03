/**
 * Operator HTTP routes, mounted by the API under `/ops` (operators only: the API verifies the bearer token).
 * `createOpsRoutes(deps)` returns a Hono app:
 *   POST /commands { argv } — the ops CLI's command, run here for the operator the token names (loopback only)
 *   GET /stuck?procedure=&version=&agency=&olderThan=2d&kind=activityRetrying,noWorker&attempts=3&query=
 *   GET /cases/:caseId/explain
 *   GET /cases/:caseId/actions
 */
import { Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { runCommand } from './main';
import { principalOf } from '../api/auth/route-policy';
import { UnknownOptionError, UsageError } from './cli-args';
import type { RemoteCommandRequest, RemoteCommandResult } from './remote';
import { listOperatorActions } from './audit';
import { OpsError, type OpsDeps } from './common';
import { explainCase } from './explain';
import { findStuck, type StuckKind } from './stuck';

function durationMs(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms'];
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function fromLoopback(c: Parameters<typeof getConnInfo>[0]): boolean {
  try {
    return LOOPBACK.has(getConnInfo(c).remote.address ?? '');
  } catch {
    return false; // not served by @hono/node-server: no peer address, no commands
  }
}

export function createOpsRoutes(deps: OpsDeps): Hono {
  const app = new Hono();
  // The ops CLI's commands, run here for a CLI that cannot open the embedded database this server owns (remote.ts).
  app.post('/commands', async (c) => {
    if (!fromLoopback(c)) {
      return c.json({ error: { code: 'OPS_COMMANDS_LOOPBACK_ONLY', message: 'Operator commands are accepted from this machine only.' } }, 403);
    }
    const req = (await c.req.json().catch(() => null)) as Partial<RemoteCommandRequest> | null;
    const argv = req?.argv;
    const unknown = req && typeof req === 'object' ? Object.keys(req).filter((k) => k !== 'argv') : [];
    if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string') || argv.length > 100 || unknown.length > 0) {
      return c.json({ error: { code: 'INVALID_INPUT', message: 'expected { argv: string[] } (at most 100)', details: { unknownFields: unknown } } }, 400);
    }
    // The API's middleware verified the bearer token and the operator role (/ops is for operators).
    const principal = principalOf(c);
    if (principal.kind !== 'staff') return c.json({ error: { code: 'ROLE_REQUIRED', message: 'Operator commands are for operators.' } }, 403);
    const output: string[] = [];
    const result: RemoteCommandResult = { exitCode: 0, output };
    try {
      result.exitCode = await runCommand(deps, argv, {}, (line) => output.push(line), { id: principal.id });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      result.exitCode = err instanceof UsageError || err instanceof UnknownOptionError ? 64 : 1;
      result.error = { code: e.code ?? 'ERROR', message: e.message ?? String(err) };
    }
    return c.json(result);
  });
  app.get('/stuck', async (c) => {
    try {
      const q = c.req.query();
      const stuck = await findStuck(deps, {
        procedureId: q.procedure || undefined,
        procedureVersion: q.version ? Number(q.version) : undefined,
        agency: q.agency || undefined,
        olderThanMs: durationMs(q.olderThan),
        query: q.query || undefined,
        kinds: q.kind ? (q.kind.split(',') as StuckKind[]) : undefined,
        attemptThreshold: q.attempts ? Number(q.attempts) : undefined,
        notPickedUpMs: durationMs(q.notPickedUp),
      });
      return c.json({ count: stuck.length, cases: stuck });
    } catch (err) {
      if (err instanceof OpsError && err.code === 'INVALID_QUERY') return c.json({ error: { code: err.code, message: err.message } }, 400);
      throw err;
    }
  });

  app.get('/cases/:caseId/explain', async (c) => {
    try {
      return c.json(await explainCase(deps, c.req.param('caseId')));
    } catch (err) {
      if ((err as { name?: string }).name === 'WorkflowNotFoundError') {
        return c.json({ error: { code: 'CASE_NOT_FOUND', message: `No case "${c.req.param('caseId')}".` } }, 404);
      }
      throw err;
    }
  });
  app.get('/cases/:caseId/actions', async (c) => c.json(await listOperatorActions(deps.db, { caseId: c.req.param('caseId') })));
  return app;
}
