/**
 * What the fault campaign checks at the end, in the registries it ran on: no registry record written twice (birth
 * certificate entries unique and consecutive in each register book, one household entry and one insurance card
 * per child), no audit row lost (every registry write of a case has its audit row), and the read model equal to
 * what the workflow histories project (ops reproject, dry run).
 */
import { sql } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { rowsOf, type Executor } from '../db/connection';
import { reproject } from '../ops/reproject';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** A text[] parameter (drizzle would expand a JS array into a row); case and personal ids hold no comma. */
const list = (xs: readonly string[]) => sql`string_to_array(${xs.join(',')}, ',')`;

export async function registryChecks(db: Executor, caseIds: readonly string[]): Promise<CheckResult[]> {
  const ids = [...caseIds];
  const out: CheckResult[] = [];
  const births = rowsOf(await db.execute(sql`select case_id, child_id, book_id, entry_number, certificate_number from birth_registrations where case_id = any(${list(ids)})`));
  const dupCert = rowsOf(await db.execute(sql`select book_id, certificate_number, count(*)::int as n from birth_registrations group by book_id, certificate_number having count(*) > 1`));
  const books = rowsOf(
    await db.execute(sql`select b.id, b.next_entry, count(r.id)::int as n, coalesce(max(r.entry_number), 0)::int as max, coalesce(min(r.entry_number), 1)::int as min
      from register_books b join birth_registrations r on r.book_id = b.id where b.id in (select book_id from birth_registrations where case_id = any(${list(ids)})) group by b.id, b.next_entry`),
  );
  const gaps = books.filter((b) => b.min !== 1 || b.max !== b.n || b.next_entry !== b.max + 1);
  out.push({
    name: 'birth certificates: one per case, numbers unique and entries consecutive in each register book',
    ok: births.length === ids.length && dupCert.length === 0 && gaps.length === 0,
    detail: `${births.length} of ${ids.length} cases registered; ${dupCert.length} certificate numbers used twice in a book; ${gaps.length} of ${books.length} books with a gap or a stale next entry${gaps.length ? ` (${JSON.stringify(gaps.slice(0, 3))})` : ''}`,
  });
  const children = births.map((b) => b.child_id);
  const members = rowsOf(await db.execute(sql`select personal_id, count(*)::int as n from household_members where personal_id = any(${list(children)}) group by personal_id`));
  const byCase = rowsOf(await db.execute(sql`select added_by_case_id, count(*)::int as n from household_members where added_by_case_id = any(${list(ids)}) group by added_by_case_id`));
  out.push({
    name: 'household: one entry per child',
    ok: members.length === children.length && members.every((m) => m.n === 1) && byCase.every((m) => m.n === 1),
    detail: `${members.length} of ${children.length} children in a household; ${byCase.filter((m) => m.n > 1).length} cases with more than one entry`,
  });
  const cards = rowsOf(await db.execute(sql`select personal_id, count(*)::int as n from health_insurance_cards where personal_id = any(${list(children)}) group by personal_id`));
  out.push({
    name: 'health insurance: one card per child',
    ok: cards.length === children.length && cards.every((c) => c.n === 1),
    detail: `${cards.length} of ${children.length} children with a card; ${cards.filter((c) => c.n > 1).length} with more than one`,
  });
  // Every write that happened has its audit row (a successful one, from the case that made it).
  const missing = rowsOf(
    await db.execute(sql`
      select 'registerBirth' as op, r.case_id from birth_registrations r where r.case_id = any(${list(ids)}) and not exists
        (select 1 from audit_log a where a.case_id = r.case_id and a.kind = 'write' and a.operation = 'registerBirth' and a.outcome = 'ok')
      union all
      select 'addPermanentMember', m.added_by_case_id from household_members m where m.added_by_case_id = any(${list(ids)}) and not exists
        (select 1 from audit_log a where a.case_id = m.added_by_case_id and a.kind = 'write' and a.operation = 'addPermanentMember' and a.outcome = 'ok')
      union all
      select 'issueHealthInsuranceCard', r.case_id from birth_registrations r join health_insurance_cards c on c.personal_id = r.child_id where r.case_id = any(${list(ids)}) and not exists
        (select 1 from audit_log a where a.case_id = r.case_id and a.kind = 'write' and a.operation = 'issueHealthInsuranceCard' and a.outcome = 'ok')`),
  );
  out.push({
    name: 'audit: every registry write has its audit row',
    ok: missing.length === 0,
    detail: missing.length ? `${missing.length} writes without an audit row, e.g. ${JSON.stringify(missing.slice(0, 3))}` : `${births.length * 3} writes checked`,
  });
  return out;
}

/** The read model equals the projection of every case's workflow history (ops reproject --dry-run). */
export async function projectionCheck(client: Client, db: Executor, caseIds: readonly string[]): Promise<CheckResult> {
  const report = await reproject({ client, db }, { caseIds: [...caseIds], dryRun: true });
  return {
    name: 'read model equal to the workflows',
    ok: report.repairs.length === 0 && report.failures.length === 0 && report.checked === caseIds.length,
    detail: `${report.checked} cases compared; ${report.repairs.length} differ${report.repairs.length ? ` (e.g. ${report.repairs[0]!.caseId}: ${report.repairs[0]!.differences.slice(0, 2).join('; ')})` : ''}; ${report.failures.length} could not be read${report.failures.length ? ` (${report.failures[0]!.error})` : ''}`,
  };
}
