/**
 * Operator CLI: `npm run ops -- <command> [options]` (see docs/operators.md).
 *
 *   stuck      [filters] [--kind k,..] [--attempts N] [--poller-stale 2m] [--not-picked-up 60s] [--json]
 *   cases      [filters] [--closed] [--json]
 *   explain    <caseId> [--json]
 *   retry      <caseId> [--activity <id>] [--allow-reset]                --reason R
 *   reset      <caseId> --to <state|start> [--first] [--reapply-events]  --reason R
 *   cancel     <caseId>                                                  --reason R
 *   terminate  <caseId>                                                  --reason R
 *   send       <caseId> --event '<json ProcedureEvent>'                  --reason R
 *   bulk       <retry|reset|cancel|terminate|send> [filters] [--stuck] [--dry-run] [--rate 2] [--max 100] --reason R
 *   export     <caseId> [--out file.json]
 *   replay     [<caseId>..] [filters] [--file f.json] [--workflows path/to/workflows.ts]
 *   audit      <caseId>
 *   reproject  [<caseId>..] [--all] [--dry-run] [--json]                --reason R
 *
 * Filters: --procedure id --version n --agency a --older-than 2d --query '<list filter>'.
 * Actions need --operator <id> (or OPS_OPERATOR) and --reason; both are recorded in the audit log.
 * Env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, DATABASE_URL (as the worker).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { parseDatabaseTarget } from '../db/connection';
import type { ProcedureEvent } from '../procedures/types';
import { listOperatorActions, type Operator } from './audit';
import { listCases, type OpsDeps } from './common';
import { explainCase, formatExplanation } from './explain';
import { bulkAction, cancelCase, resetToState, retryStep, sendEventAs, terminateCase, type BulkAction } from './repair';
import { exportHistory, replayCases, replayFile } from './replay';
import { reproject } from './reproject';
import { describeReason, findStuck, type StuckKind, type StuckOptions } from './stuck';
import { temporalConnectionOptions } from '../worker/temporal-connection';

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) throw new Error(`Not a duration: "${s}" (use e.g. 90s, 30m, 6h, 2d)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}


const OPTIONS = {
  procedure: { type: 'string' },
  version: { type: 'string' },
  agency: { type: 'string' },
  'older-than': { type: 'string' },
  query: { type: 'string' },
  kind: { type: 'string' },
  attempts: { type: 'string' },
  'not-picked-up': { type: 'string' },
  'poller-stale': { type: 'string' },
  closed: { type: 'boolean' },
  json: { type: 'boolean' },
  activity: { type: 'string' },
  'allow-reset': { type: 'boolean' },
  to: { type: 'string' },
  first: { type: 'boolean' },
  'reapply-events': { type: 'boolean' },
  event: { type: 'string' },
  stuck: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  rate: { type: 'string' },
  max: { type: 'string' },
  out: { type: 'string' },
  file: { type: 'string' },
  workflows: { type: 'string' },
  reason: { type: 'string' },
  operator: { type: 'string' },
  'operator-agency': { type: 'string' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function filterOf(v: Values): StuckOptions {
  return {
    procedureId: v.procedure,
    procedureVersion: v.version !== undefined ? Number(v.version) : undefined,
    agency: v.agency,
    olderThanMs: v['older-than'] ? parseDuration(v['older-than']) : undefined,
    query: v.query,
    includeClosed: v.closed,
    kinds: v.kind ? (v.kind.split(',').map((k) => k.trim()) as StuckKind[]) : undefined,
    attemptThreshold: v.attempts ? Number(v.attempts) : undefined,
    notPickedUpMs: v['not-picked-up'] ? parseDuration(v['not-picked-up']) : undefined,
    pollerStaleMs: v['poller-stale'] ? parseDuration(v['poller-stale']) : undefined,
  };
}

function actionContext(v: Values, env: NodeJS.ProcessEnv): { operator: Operator; reason: string } {
  const id = v.operator ?? env.OPS_OPERATOR ?? '';
  const agency = v['operator-agency'] ?? env.OPS_OPERATOR_AGENCY;
  return { operator: { id, ...(agency ? { agency } : {}) }, reason: v.reason ?? '' };
}

function parseEvent(s: string | undefined): ProcedureEvent {
  if (!s) throw new Error('--event \'{"type":"APPROVE_BIRTH","actor":{"kind":"officer","id":"...","agency":"justice"}}\' is required');
  const e = JSON.parse(s) as ProcedureEvent;
  if (!e?.type || !e.actor?.kind || !e.actor.id) throw new Error('--event needs type and actor {kind, id}');
  return e;
}

const print = (v: unknown) => console.log(typeof v === 'string' ? v : JSON.stringify(v, null, 2));

export async function runCommand(deps: OpsDeps, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [command, ...rest] = positionals;
  const caseArg = () => {
    if (!rest[0]) throw new Error(`${command} needs a case id`);
    return rest[0];
  };
  switch (command) {
    case 'stuck': {
      const stuck = await findStuck(deps, filterOf(v));
      if (v.json) print(stuck);
      else {
        if (stuck.length === 0) print('no stuck case');
        for (const s of stuck) {
          print(`${s.caseId}  ${s.procedureId} v${s.procedureVersion}  started ${s.startTime}${s.activeStates ? `  in ${s.activeStates.join(', ')}` : ''}`);
          for (const r of s.reasons) print(`    - ${describeReason(r)}`);
        }
      }
      return stuck.length > 0 ? 2 : 0;
    }
    case 'cases': {
      const cases = await listCases(deps, filterOf(v));
      if (v.json) print(cases);
      else for (const c of cases) print(`${c.caseId}  ${c.procedureId} v${c.procedureVersion}  ${c.status}  started ${c.startTime}`);
      return 0;
    }
    case 'explain': {
      const x = await explainCase(deps, caseArg(), { notPickedUpMs: filterOf(v).notPickedUpMs, pollerStaleMs: filterOf(v).pollerStaleMs });
      print(v.json ? x : formatExplanation(x));
      return 0;
    }
    case 'retry':
      print(await retryStep(deps, caseArg(), actionContext(v, env), { activityId: v.activity, allowWorkflowReset: v['allow-reset'] }));
      return 0;
    case 'reset':
      if (!v.to) throw new Error('reset needs --to <state> (a statechart state, e.g. birth.awaitingOfficer, or "start")');
      print(await resetToState(deps, caseArg(), v.to, actionContext(v, env), { occurrence: v.first ? 'first' : 'last', reapplyEvents: v['reapply-events'] }));
      return 0;
    case 'cancel':
      print(await cancelCase(deps, caseArg(), actionContext(v, env)));
      return 0;
    case 'terminate':
      print(await terminateCase(deps, caseArg(), actionContext(v, env)));
      return 0;
    case 'send':
      print(await sendEventAs(deps, caseArg(), parseEvent(v.event), actionContext(v, env)));
      return 0;
    case 'bulk': {
      const kind = rest[0];
      let action: BulkAction;
      if (kind === 'retry') action = { kind, allowWorkflowReset: v['allow-reset'] };
      else if (kind === 'reset') {
        if (!v.to) throw new Error('bulk reset needs --to <state>');
        action = { kind, state: v.to, reapplyEvents: v['reapply-events'] };
      } else if (kind === 'cancel' || kind === 'terminate') action = { kind };
      else if (kind === 'send') action = { kind: 'sendEvent', event: parseEvent(v.event) };
      else throw new Error('bulk needs an action: retry, reset, cancel, terminate or send');
      const report = await bulkAction(deps, actionContext(v, env), {
        action,
        filter: filterOf(v),
        stuckOnly: v.stuck,
        dryRun: v['dry-run'],
        ratePerSecond: v.rate ? Number(v.rate) : undefined,
        maxCases: v.max ? Number(v.max) : undefined,
      });
      if (v.json) print(report);
      else {
        print(`${report.dryRun ? 'DRY RUN: would ' : ''}${report.action} ${report.targets.length} case(s):`);
        for (const t of report.targets) print(`    ${t.caseId}  ${t.procedureId} v${t.procedureVersion}${t.reasons ? `  (${t.reasons.map((r) => r.kind).join(', ')})` : ''}`);
        for (const f of report.failures) print(`    FAILED ${f.caseId}: ${f.error}`);
      }
      return report.failures.length > 0 ? 1 : 0;
    }
    case 'export': {
      const out = v.out ?? `${caseArg()}.history.json`;
      const x = await exportHistory(deps, caseArg(), out);
      print(`exported ${x.workflowId} run ${x.runId} to ${out}`);
      return 0;
    }
    case 'replay': {
      const opts = { workflowsPath: v.workflows };
      const report = v.file
        ? await replayFile(v.file, opts)
        : await replayCases(deps, { ...filterOf(v), caseIds: rest.length > 0 ? rest : undefined }, opts);
      if (v.json) print(report);
      else {
        print(`replayed ${report.replayed} case(s); ${report.failures.length} would fail`);
        for (const f of report.failures) print(`    ${f.caseId}${f.nondeterminism ? ' [nondeterminism]' : ''}: ${f.error.split('\n')[0]}`);
      }
      return report.failures.length > 0 ? 1 : 0;
    }
    case 'audit': {
      const rows = await listOperatorActions(deps.db, { caseId: caseArg() });
      if (v.json) print(rows);
      else for (const r of rows) print(`${r.at}  ${r.operator}  ${r.action} (${r.outcome}): ${r.reason}  ${JSON.stringify(r.details)}`);
      return 0;
    }
    case 'reproject': {
      const { operator, reason } = actionContext(v, env);
      const report = await reproject(deps, {
        caseIds: rest,
        all: v.all,
        dryRun: v['dry-run'],
        operator,
        reason,
        onProgress: (m) => console.error(m),
      });
      if (v.json) print(report);
      else {
        const verb = report.dryRun ? 'would repair' : 'repaired';
        print(`${report.checked} case(s) checked; ${verb} ${report.repairs.length}${report.failures.length ? `; ${report.failures.length} failed` : ''}`);
        for (const r of report.repairs) {
          print(`  ${r.caseId} (transition ${r.transition}, from ${r.source}):`);
          for (const d of r.differences) print(`      ${d}`);
        }
        for (const f of report.failures) print(`  FAILED ${f.caseId}: ${f.error}`);
      }
      return report.failures.length > 0 ? 1 : 0;
    }
    default:
      print(usage());
      return command ? 64 : 0;
  }
}

function usage(): string {
  return readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0].replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, '');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.includes('--help') || args.includes('-h') || args[0] === 'help') {
    console.log(usage());
    return;
  }
  const connection = await Connection.connect(temporalConnectionOptions(process.env));
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE || 'default' });
  const { openRegistriesDatabase } = await import('../db/registries-database');
  const opened = await openRegistriesDatabase(parseDatabaseTarget(process.env.DATABASE_URL, '.data/registries'));
  try {
    process.exitCode = await runCommand({ client, db: opened.db }, args);
  } finally {
    await opened.close();
    await connection.close();
  }
}

const isEntry = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isEntry) {
  main().catch((err) => {
    console.error(err instanceof Error ? `${(err as { code?: string }).code ?? 'ERROR'}: ${err.message}` : err);
    process.exit(1);
  });
}
