/**
 * Consistent facts, checked again when an application or an event is received (the registry adapters check them
 * too, so no caller can skip them): dates, parents, reference lists, birth notices used once, one birth per child,
 * and the dead cannot act. Refusals carry the rule's code and name the field (domain/plausibility.ts).
 */
import type { Executor } from '../db/connection';
import { findBirthByNotice } from '../activities/registries/postgres/civil-status';
import type { AccessContext, PersonRecord, Registries } from '../domain/registries';
import {
  checkAlive,
  checkBirthDates,
  checkCommune,
  checkEthnicity,
  checkNationality,
  checkNotFuture,
  InconsistentFactError,
  sameName,
} from '../domain/plausibility';
import { isProvinceCode } from '../domain/provinces';
import { pathLeaf, siblingPath } from '../domain/data-paths';
import { localDateOf } from '../domain/working-days';
import type { ProcedureDefinition } from '../procedures/types';

const str = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Checks an application's values (what the applicant gave and what the registries gave) before a case starts.
 * `values` are flat ("child.dateOfBirth"); `applicant` is the applicant's population record.
 */
export async function checkApplicationFacts(opts: {
  def: ProcedureDefinition;
  values: Record<string, unknown>;
  applicant: PersonRecord;
  registries: Registries;
  db: Executor;
  ctx: AccessContext;
  now: Date;
}): Promise<void> {
  const { def, values, now } = opts;
  const today = localDateOf(now);
  checkAlive('applicant.personalId', opts.applicant);
  for (const decl of def.data) {
    const v = values[decl.name];
    if (!str(v) || decl.source.kind !== 'citizen') continue;
    const name = pathLeaf(decl.name);
    if (decl.type === 'communeCode') {
      const province = siblingPath(decl.name, 'provinceCode');
      const p = values[province];
      checkCommune(decl.name, v, str(p) ? province : undefined, str(p) ? p : undefined);
    } else if (name === 'provinceCode' && !isProvinceCode(v)) {
      throw new InconsistentFactError('UNKNOWN_PROVINCE', decl.name, `no province ${v}`);
    } else if (name === 'ethnicity') checkEthnicity(decl.name, v);
    else if (name === 'nationality') checkNationality(decl.name, v);
    else if (decl.type === 'date' && (name === 'dateOfBirth' || name === 'dateOfDeath')) checkNotFuture(decl.name, v, today);
  }
  // A child: born after each parent, the parents of a plausible age; one birth per child; one use of a notice.
  const childDob = values['child.dateOfBirth'];
  if (str(childDob)) {
    const parent = (role: 'mother' | 'father') =>
      str(values[`${role}.dateOfBirth`]) ? { dateOfBirth: values[`${role}.dateOfBirth`] as string } : null;
    checkBirthDates(today, { field: 'child.dateOfBirth', dateOfBirth: childDob }, { mother: parent('mother'), father: parent('father') });
    const motherId = values['mother.personalId'];
    const childName = values['child.fullName'];
    if (str(motherId) && str(childName)) {
      const children = await opts.registries.population.findChildrenOf(
        { ...opts.ctx, purpose: 'check that the child is not registered already', fields: ['fullName', 'dateOfBirth'] },
        motherId,
      );
      const same = children.find((c) => c.dateOfBirth === childDob && sameName(c.fullName, childName));
      if (same) {
        const birth = await opts.registries.civilStatus.findBirthByChild({ ...opts.ctx, purpose: 'find the existing registration', fields: ['caseId'] }, same.personalId);
        throw new InconsistentFactError('BIRTH_ALREADY_RECORDED', 'child.fullName', `this child (born ${childDob}) is already registered`, {
          personalId: same.personalId,
          ...(birth ? { caseId: birth.caseId.split('#')[0] } : {}),
        });
      }
    }
  }
  const notice = values.medicalBirthNoticeNo;
  if (str(notice) && (await findBirthByNotice(opts.db, notice.trim()))) {
    throw new InconsistentFactError('BIRTH_NOTICE_ALREADY_USED', 'medicalBirthNoticeNo', `${notice} is already registered`);
  }
  const deathDate = values['death.dateOfDeath'];
  const deceasedDob = values['deceased.dateOfBirth'];
  if (str(deathDate) && str(deceasedDob) && deathDate < deceasedDob) {
    throw new InconsistentFactError('DATE_BEFORE_BIRTH', 'death.dateOfDeath', `${deathDate} is before the birth (${deceasedDob})`);
  }
}

/** A citizen who sends an event or data must be alive in the population register. */
export async function checkCitizenAlive(registries: Registries, ctx: AccessContext, personalId: string): Promise<void> {
  const person = await registries.population.getPerson({ ...ctx, purpose: 'check that the sender is not recorded as deceased', fields: ['deceased'] }, personalId);
  checkAlive('actor.id', person);
}
