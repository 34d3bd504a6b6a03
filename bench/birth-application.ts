/**
 * Birth-group applications for the benchmarks: families from the seeded registries (a mother of child-bearing
 * age living in a household, so residence registration has a household to join) and the application body for one.
 */
import { sql } from 'drizzle-orm';
import type { CaseService } from '../api/case-service';
import type { AgencyId } from '../domain/registries';
import type { Principal } from '../identity/claims';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Family {
  motherId: string;
  fatherId: string | null;
  communeCode: string;
  provinceCode: string;
}

export async function pickFamilies(db: any, n: number): Promise<Family[]> {
  const rows: any = await db.execute(sql`
    select p.personal_id as mother_id, p.father_id as _f, h.commune_code, h.province_code,
           (select m2.personal_id from household_members m2 join persons q on q.personal_id = m2.personal_id
             where m2.household_id = m.household_id and q.sex = 'male' and q.date_of_birth < '2004-01-01' limit 1) as father_id
      from persons p
      join household_members m on m.personal_id = p.personal_id
      join households h on h.household_id = m.household_id
     where p.sex = 'female' and p.date_of_birth between '1982-01-01' and '2006-01-01' and not p.deceased
     order by p.personal_id
     limit ${n}`);
  const list = Array.isArray(rows) ? rows : rows.rows;
  return list.map((r: any) => ({ motherId: r.mother_id, fatherId: r.father_id ?? null, communeCode: r.commune_code, provinceCode: r.province_code }));
}

/** The body of POST /applications for child number `i` of family `f` (`tag` keeps runs apart: a new case each time). */
export function birthApplication(f: Family, i: number, tag: string) {
  const fields: Record<string, string> = {
    'mother.personalId': f.motherId,
    'child.fullName': `Bench Child ${i}`,
    'child.dateOfBirth': '2026-11-20',
    'child.sex': i % 2 ? 'male' : 'female',
    'child.placeOfBirth': f.communeCode,
    'child.ethnicity': 'Kinh',
    medicalBirthNoticeNo: `BENCH-${i}-${tag}`,
    'registration.communeCode': f.communeCode,
    'registration.provinceCode': f.provinceCode,
  };
  if (f.fatherId) fields['father.personalId'] = f.fatherId;
  return { procedureId: 'birth-group', channel: 'portal' as const, applicant: { personalId: f.motherId }, fields };
}

/**
 * Drives one case to its end as the officers and the household head would (each event sent once the case accepts
 * it, the case looked at every `pollMs`); its id, latency, final status and outcome (or the status). Throws when it
 * has not ended after `timeoutMs` (none by default).
 */
export async function runBirthCase(
  service: CaseService,
  f: Family,
  i: number,
  pollMs: number,
  timeoutMs = Infinity,
): Promise<{ caseId: string; ms: number; status: 'closed' | 'failed'; outcome: string }> {
  const t0 = performance.now();
  // Every call acts as a verified principal: the applicant, and officers with a national jurisdiction.
  const applicant: Principal = { kind: 'citizen', personalId: f.motherId };
  const officer = (agency: AgencyId): Principal => ({ kind: 'officer', id: `bench-${agency}`, agency, jurisdiction: { province: '*' } });
  const { caseId } = await service.submitApplication(applicant, birthApplication(f, i, String(Date.now())));
  const sent = new Set<string>();
  for (;;) {
    const c: any = await service.getCase(applicant, caseId);
    if (c.status === 'closed' || c.status === 'failed') return { caseId, ms: performance.now() - t0, status: c.status, outcome: c.outcome?.name ?? c.status };
    if (performance.now() - t0 > timeoutMs) throw new Error(`case ${caseId} did not end within ${timeoutMs / 1000} s`);
    for (const e of c.acceptedEvents as { type: string; actorId?: string }[]) {
      const key = `${e.type}:${c.activeStates.join(',')}`;
      if (sent.has(key)) continue;
      let actor: Principal | null = null;
      if (e.type === 'APPROVE_BIRTH') actor = officer('justice');
      if (e.type === 'APPROVE_RESIDENCE') actor = officer('police');
      if (e.type === 'HEAD_CONSENT') actor = { kind: 'citizen', personalId: e.actorId ?? c.context?.household?.headId };
      if (!actor) continue;
      sent.add(key);
      await service.sendEvent(actor, caseId, { type: e.type, data: {} });
    }
    await sleep(pollMs);
  }
}
