/**
 * The documents and register entries a case issued, read from the registers themselves (every write row carries its
 * case key: the case id, or `<caseId>#<operationKey>`), in the one shape of domain/case-vocabulary.ts. Used for a
 * closed case's outcome and by the ops reset to see what a reset would orphan.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../connection';
import { caseOfKey } from './schema';
import type { DocumentKind, IssuedDocument } from '../../domain/case-vocabulary';

/** Which agency issues each kind. */
export const DOCUMENT_ISSUERS: Record<DocumentKind, string> = {
  birthCertificate: 'justice',
  personalIdNumber: 'justice',
  permanentResidence: 'police',
  healthInsuranceCard: 'vss',
  deathCertificate: 'justice',
  residenceDeletion: 'police',
  marriageCertificate: 'justice',
  benefitPayment: 'vss',
  judicialRecordCertificate: 'police',
  taxRegistration: 'tax',
  unemploymentBenefitDecision: 'labour',
};

/** SQL matching a case-key column against the case (exact, or with an operation key), by each register's case index. */
const ofCase = (column: string, caseId: string) => sql`${caseOfKey(sql.raw(column))} = ${caseId}`;

/** The query of a case's documents (exported for its plan test: every register is read through its case index). */
export function caseDocumentsQuery(caseId: string) {
  // Household membership keeps only a date: its time is that of the audited write that added it.
  return sql`
    select * from (
      select 'birthCertificate' as kind, k.book_code || '/' || b.certificate_number as number, b.registered_at as issued_at, b.child_id as subject_id
        from birth_registrations b join register_books k on k.id = b.book_id where ${ofCase('b.case_id', caseId)}
      union all
      select 'personalIdNumber', p.personal_id, p.created_at, p.personal_id from persons p where ${ofCase('p.created_by_case_id', caseId)}
      union all
      select 'permanentResidence', m.household_id,
             coalesce((select min(a.at) from audit_log a where a.case_id = ${caseId} and a.operation = 'addPermanentMember'
                        and a.outcome = 'ok' and a.subject_id = m.personal_id), m.since::timestamptz),
             m.personal_id
        from household_members m where ${ofCase('m.added_by_case_id', caseId)}
      union all
      select 'healthInsuranceCard', c.card_number, c.issued_at, c.personal_id from health_insurance_cards c where ${ofCase('c.issued_by_case_id', caseId)}
      union all
      select 'deathCertificate', k.book_code || '/' || d.certificate_number, d.registered_at, d.deceased_id
        from death_registrations d join register_books k on k.id = d.book_id where ${ofCase('d.case_id', caseId)}
      union all
      select 'residenceDeletion', r.household_id, r.deleted_at, r.personal_id from residence_deletions r where ${ofCase('r.case_id', caseId)}
      union all
      select 'marriageCertificate', coalesce(k.book_code || '/', '') || m.certificate_number, m.registered_at, m.party_a_id
        from marriage_registrations m left join register_books k on k.id = m.book_id where ${ofCase('m.case_id', caseId)}
      union all
      select 'benefitPayment', p.payment_ref, p.paid_at, p.beneficiary_id from benefit_payments p where ${ofCase('p.case_id', caseId)}
      union all
      select 'judicialRecordCertificate', j.certificate_number, j.issued_at, j.personal_id from judicial_record_certificates j where ${ofCase('j.case_id', caseId)}
      union all
      select 'taxRegistration', t.tax_code, t.registered_at, t.owner_id from tax_registrations t where ${ofCase('t.case_id', caseId)}
      union all
      select 'unemploymentBenefitDecision', u.decision_number, u.decided_at, u.personal_id from unemployment_decisions u where ${ofCase('u.case_id', caseId)}
    ) docs order by issued_at, kind`;
}

export async function listCaseDocuments(db: Executor, caseId: string): Promise<IssuedDocument[]> {
  const rows: { kind: DocumentKind; number: string; issued_at: string | Date; subject_id: string | null }[] = rowsOf(await db.execute(caseDocumentsQuery(caseId)));
  return rows.map((r) => ({
    kind: r.kind,
    number: String(r.number).trim(),
    issuer: DOCUMENT_ISSUERS[r.kind],
    issuedAt: new Date(r.issued_at).toISOString(),
    subjectId: r.subject_id === null ? null : String(r.subject_id).trim(),
  }));
}
