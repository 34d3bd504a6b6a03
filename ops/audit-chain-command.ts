/**
 * `ops audit verify [--from --to]`, `ops audit anchor [--dry-run]`, `ops audit anchors [--from --to]`: checks the
 * audit log's hash chains (db/engine/audit-chain.ts) and names every modified, inserted or deleted row; anchors
 * closed days; lists the anchors to file outside the database.
 */
import type { Executor } from '../db/connection';
import { anchorClosedDays, listAnchors, verifyAuditChain } from '../db/engine/audit-chain';
import { UsageError, type Values } from './cli-args';

function dayOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`--${name} must be a day YYYY-MM-DD (UTC), got "${value}"`);
  }
  return value;
}

export async function runAuditChainCommand(db: Executor, rest: string[], v: Values, print: (x: unknown) => void): Promise<number> {
  const [sub, ...extra] = rest;
  if (extra.length > 0) throw new UsageError(`audit ${sub} takes no arguments, got: ${extra.join(' ')}`);
  const range = { from: dayOption('from', v.from), to: dayOption('to', v.to) };
  if (range.from && range.to && range.from > range.to) throw new UsageError(`--from ${range.from} is after --to ${range.to}`);
  if (sub === 'verify') {
    if (v['dry-run']) throw new UsageError('audit verify writes nothing: it takes no --dry-run');
    const report = await verifyAuditChain(db, range);
    if (v.json) print(report);
    else {
      for (const d of report.days) print(`${d.day}  ${d.rows} row(s)  ${d.anchored ? 'anchored' : 'open'}  ${d.ok ? 'ok' : 'BROKEN'}`);
      for (const p of report.problems) print(`    ${p.kind}${p.rowId !== undefined ? ` row ${p.rowId}` : ''}: ${p.message}`);
      print(report.ok ? `audit log intact: ${report.days.length} day(s) verified` : `audit log TAMPERED: ${report.problems.length} problem(s)`);
    }
    return report.ok ? 0 : 1;
  }
  if (sub === 'anchor') {
    if (range.from || range.to) throw new UsageError('audit anchor anchors every closed day: it takes no --from/--to');
    const anchors = await anchorClosedDays(db, { dryRun: v['dry-run'] });
    if (v.json) print({ dryRun: !!v['dry-run'], anchors });
    else {
      const verb = v['dry-run'] ? 'DRY RUN (nothing changed): would anchor' : 'anchored';
      print(`${verb} ${anchors.length} day(s)`);
      for (const a of anchors) print(`    ${a.day}  ${a.rowCount} row(s)  ${a.finalHash}`);
    }
    return 0;
  }
  if (v['dry-run']) throw new UsageError('audit anchors writes nothing: it takes no --dry-run');
  const anchors = await listAnchors(db, range);
  if (v.json) print(anchors);
  else for (const a of anchors) print(`${a.day}  ${a.rowCount} row(s)  ${a.finalHash}  (anchored ${a.anchoredAt})`);
  return 0;
}
