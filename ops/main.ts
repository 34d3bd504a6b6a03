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
 *   bulk       <retry|reset|cancel|terminate|send> [filters] [--stuck] [--rate 2] [--max 100] --reason R
 *   export     <caseId> [--out file.json]
 *   replay     [<caseId>..] [filters] [--file f.json] [--workflows path/to/workflows.ts]
 *   audit      <caseId>                       (operator actions on a case)
 *   audit      verify [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]   (the audit log's hash chains; exit 1 if broken)
 *   audit      anchor [--dry-run] [--json]    (anchor every closed day not yet anchored) · anchors [--from] [--to]
 *   reproject  [<caseId>..] [--all] [--dry-run] [--json]                --reason R
 *
 * Filters: --procedure id --version n --agency a --older-than 2d --query '<list filter>'.
 * Actions need --reason and an operator's token: --token <jwt> (or OPS_TOKEN), verified against AUTH_CONFIG's issuers
 * or the local identity provider (IDENTITY_DIR); the operator it names and the reason are recorded in the audit log.
 * The token is also the Temporal credential unless TEMPORAL_API_KEY is set (`npm run -s token -- --as operator:<id>`).
 * Env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, DATABASE_URL (as the worker), OPS_TOKEN,
 * AUTH_CONFIG, IDENTITY_DIR, PAYLOAD_KEYS / PAYLOAD_KEYS_FILE (decode payloads here; else .data/keys if present),
 * CODEC_ENDPOINT (without the keys: the API's codec endpoint, e.g. https://api.example/codec, decodes).
 * Every action (retry, reset, cancel, terminate, send, bulk) takes --dry-run: it prints what would happen and writes
 * nothing. An option a command does not take is an error. Case ids starting with "-" work; `--` ends the options.
 * When a running `npm start` owns the embedded database, the command runs there (POST /ops/commands with the token).
 */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { parseDatabaseTarget } from '../db/connection';
import type { ProcedureEvent } from '../procedures/types';
import { listOperatorActions, type Operator } from './audit';
import { listCases, type OpsDeps } from './common';
import { explainCase, formatExplanation } from './explain';
import { bulkAction, cancelCase, resetToState, retryStep, sendEventAs, terminateCase, type ActionResult, type BulkAction } from './repair';
import { exportHistory, replayCases, replayFile } from './replay';
import { reproject } from './reproject';
import { describeReason, findStuck, type StuckKind, type StuckOptions } from './stuck';
import { temporalConnectionOptions } from '../worker/temporal-connection';
import { cliTokenVerifier, staffFromToken, temporalEnvWithToken } from '../identity/cli-token';
import { parseOpsArgs, UnknownOptionError, UsageError, type Values } from './cli-args';
import { DatabaseInUseError, readDirOwner } from '../db/dir-lock';
import { absolutePaths, runRemote } from './remote';
import { runAuditChainCommand } from './audit-chain-command';
import { createDataConverter } from '../worker/codec/data-converter';
import { keyringFromEnv } from '../worker/codec/keyring';
import { RemoteCodec } from '../worker/codec/remote-codec';

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) throw new Error(`Not a duration: "${s}" (use e.g. 90s, 30m, 6h, 2d)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}


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

/** The operator and reason of an action: the operator a verified token names (verified here, or by the API for a remote CLI). */
async function actionContext(v: Values, env: NodeJS.ProcessEnv, verified?: Operator): Promise<{ operator: Operator; reason: string }> {
  if (verified) return { operator: verified, reason: v.reason ?? '' };
  const staff = await staffFromToken(v.token ?? env.OPS_TOKEN, 'operator', cliTokenVerifier(env), '--token <jwt> or OPS_TOKEN');
  return { operator: { id: staff.id }, reason: v.reason ?? '' };
}

function parseEvent(s: string | undefined): ProcedureEvent {
  if (!s) throw new Error('--event \'{"type":"APPROVE_BIRTH","actor":{"kind":"officer","id":"...","agency":"justice"}}\' is required');
  const e = JSON.parse(s) as ProcedureEvent;
  if (!e?.type || !e.actor?.kind || !e.actor.id) throw new Error('--event needs type and actor {kind, id}');
  return e;
}

/** Where a command's output goes: the console, or (run for a remote CLI) a buffer sent back. */
export type OutputLine = (line: string) => void;

export async function runCommand(
  deps: OpsDeps,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: OutputLine = (line) => console.log(line),
  /** Set when the API already verified the operator's token (POST /ops/commands). */
  verifiedOperator?: Operator,
): Promise<number> {
  const print = (v: unknown) => out(typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  const { values: v, positionals } = parseOpsArgs(argv);
  const [command, ...rest] = positionals;
  const caseArg = () => {
    if (!rest[0]) throw new UsageError(`${command} needs a case id`);
    if (rest.length > 1) throw new UsageError(`${command} takes one case id, got: ${rest.join(' ')}`);
    return rest[0];
  };
  const dryRun = v['dry-run'] ?? false;
  const printAction = (r: ActionResult) => {
    if (v.json) print(r);
    else if (!r.dryRun) print(r);
    else if (r.ok) print(`DRY RUN (nothing changed): would ${r.action} case ${r.caseId}: ${JSON.stringify(r.detail)}`);
    else print(`DRY RUN (nothing changed): ${r.action} of case ${r.caseId} would be refused: ${r.error}`);
    return r.ok ? 0 : 1;
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
      return printAction(await retryStep(deps, caseArg(), await actionContext(v, env, verifiedOperator), { activityId: v.activity, allowWorkflowReset: v['allow-reset'], dryRun }));
    case 'reset':
      if (!v.to) throw new UsageError('reset needs --to <state> (a statechart state, e.g. birth.awaitingOfficer, or "start")');
      return printAction(
        await resetToState(deps, caseArg(), v.to, await actionContext(v, env, verifiedOperator), {
          occurrence: v.first ? 'first' : 'last',
          reapplyEvents: v['reapply-events'],
          dryRun,
        }),
      );
    case 'cancel':
      return printAction(await cancelCase(deps, caseArg(), await actionContext(v, env, verifiedOperator), { dryRun }));
    case 'terminate':
      return printAction(await terminateCase(deps, caseArg(), await actionContext(v, env, verifiedOperator), { dryRun }));
    case 'send':
      return printAction(await sendEventAs(deps, caseArg(), parseEvent(v.event), await actionContext(v, env, verifiedOperator), { dryRun }));
    case 'bulk': {
      const kind = rest[0];
      let action: BulkAction;
      if (kind === 'retry') action = { kind, allowWorkflowReset: v['allow-reset'] };
      else if (kind === 'reset') {
        if (!v.to) throw new UsageError('bulk reset needs --to <state>');
        action = { kind, state: v.to, reapplyEvents: v['reapply-events'] };
      } else if (kind === 'cancel' || kind === 'terminate') action = { kind };
      else if (kind === 'send') action = { kind: 'sendEvent', event: parseEvent(v.event) };
      else throw new UsageError('bulk needs an action: retry, reset, cancel, terminate or send');
      if (rest.length > 1) throw new UsageError(`bulk ${kind} selects cases by filters, not ids: ${rest.slice(1).join(' ')}`);
      const report = await bulkAction(deps, await actionContext(v, env, verifiedOperator), {
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
        for (const p of report.plans.filter((x) => !x.ok)) print(`    WOULD BE REFUSED ${p.caseId}: ${p.error}`);
        for (const f of report.failures) print(`    FAILED ${f.caseId}: ${f.error}`);
      }
      return report.failures.length > 0 || report.plans.some((p) => !p.ok) ? 1 : 0;
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
        ? await replayFile(v.file, { ...opts, dataConverter: { payloadCodecs: deps.client.options.loadedDataConverter.payloadCodecs } })
        : await replayCases(deps, { ...filterOf(v), caseIds: rest.length > 0 ? rest : undefined }, opts);
      if (v.json) print(report);
      else {
        print(`replayed ${report.replayed} case(s); ${report.failures.length} would fail`);
        for (const f of report.failures) print(`    ${f.caseId}${f.nondeterminism ? ' [nondeterminism]' : ''}: ${f.error.split('\n')[0]}`);
      }
      return report.failures.length > 0 ? 1 : 0;
    }
    case 'audit': {
      if (rest[0] === 'verify' || rest[0] === 'anchor' || rest[0] === 'anchors') return runAuditChainCommand(deps.db, rest, v, print);
      if (v.from || v.to || v['dry-run']) throw new UsageError('--from, --to and --dry-run belong to audit verify / anchor / anchors');
      const rows = await listOperatorActions(deps.db, { caseId: caseArg() });
      if (v.json) print(rows);
      else for (const r of rows) print(`${r.at}  ${r.operator}  ${r.action} (${r.outcome}): ${r.reason}  ${JSON.stringify(r.details)}`);
      return 0;
    }
    case 'reproject': {
      const { operator, reason } = await actionContext(v, env, verifiedOperator);
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
      if (command) throw new UsageError(`no command "${command}" (see npm run ops -- --help)`);
      print(usage());
      return 0;
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
  const target = parseDatabaseTarget(process.env.DATABASE_URL, '.data/registries');
  // The embedded database has one owner: when a running server owns it, the command runs there (ops/remote.ts).
  const dir = target.kind === 'pglite-dir' ? target.dir : null;
  const owner = dir ? readDirOwner(dir) : null;
  if (dir && owner) {
    if (!owner.apiUrl) throw new DatabaseInUseError(dir, owner);
    console.error(`(running on ${owner.apiUrl}, the process that owns ${dir})`);
    // The server verifies the operator's token (the /ops routes are for operators) and records whom it names.
    const token = parseOpsArgs(args).values.token ?? process.env.OPS_TOKEN;
    process.exitCode = await runRemote(owner.apiUrl, { argv: absolutePaths(args, process.cwd()), token }, console.log, console.error);
    return;
  }
  const { values } = parseOpsArgs(args);
  const token = values.token ?? process.env.OPS_TOKEN;
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const connection = await Connection.connect(temporalConnectionOptions(temporalEnvWithToken(process.env, token)));
  // Payloads are encrypted: decoded here with the keys when this machine holds them, else by the API's codec endpoint.
  const keyring = keyringFromEnv(process.env);
  const remote = !keyring && process.env.CODEC_ENDPOINT ? new RemoteCodec({ endpoint: process.env.CODEC_ENDPOINT, token, namespace }) : undefined;
  const client = new Client({ connection, namespace, dataConverter: createDataConverter({ keyring, remote }) });
  const { openRegistriesDatabase } = await import('../db/registries-database');
  const opened = await openRegistriesDatabase(target);
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
    // 64 (EX_USAGE) for a command line the CLI cannot take; 1 for a refused or failed action.
    process.exit(err instanceof UsageError || err instanceof UnknownOptionError ? 64 : 1);
  });
}
