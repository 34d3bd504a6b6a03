/**
 * The audit wrapper: records every registry call — read or write, whose data, which fields, the outcome, and the
 * access context (procedure, case, agency, purpose, legal basis, actor) — for any implementation, including an
 * agency's own HTTP adapter. Decree 13/2023 / Law 91/2025: log every access to personal data.
 *
 * The entry is written before the result is handed back; if the audit sink fails, the call fails too (no
 * unaudited data movement; retried writes are idempotent, so failing after a write is safe).
 */
import type { AccessContext, AuditEntry, AuditSink, RegistryName, Registries } from './types';
import { registryCallErrors, registryCallSeconds } from './metrics';

const PERSON_FIELDS = [
  'personalId',
  'fullName',
  'dateOfBirth',
  'sex',
  'ethnicity',
  'nationality',
  'homeTown',
  'placeOfBirth',
  'fatherId',
  'motherId',
  'deceased',
];
const BIRTH_FIELDS = ['registerBook', 'year', 'entryNumber', 'certificateNumber', 'childId', 'registeredAt', 'communeCode'];
const HOUSEHOLD_FIELDS = ['householdId', 'headId', 'address', 'members'];
const CARD_FIELDS = ['cardNumber', 'socialInsuranceNumber', 'personalId', 'validFrom', 'validTo', 'beneficiaryGroup'];
const DEATH_FIELDS = ['registerBook', 'year', 'entryNumber', 'certificateNumber', 'deceasedId', 'dateOfDeath', 'placeOfDeath', 'cause', 'registeredAt'];
const MARRIAGE_FIELDS = ['registerBook', 'year', 'entryNumber', 'certificateNumber', 'partyAId', 'partyBId', 'registeredAt'];
const CONTRIBUTION_FIELDS = ['compulsoryMonths', 'averageMonthlySalary', 'pensioner', 'pensionSince'];
const PAYMENT_FIELDS = ['paymentRef', 'kind', 'subjectId', 'beneficiaryId', 'amount', 'paidAt'];
const TAX_FIELDS = ['taxCode', 'ownerId', 'businessName', 'businessLine', 'communeCode', 'startDate'];
const EMPLOYMENT_FIELDS = ['lastEmployer', 'contractEndedAt', 'unemploymentInsuranceMonths', 'averageMonthlySalary'];
const CONVICTION_FIELDS = ['judgmentRef', 'court', 'date', 'offence', 'sentence', 'expunged'];

export function auditRegistries(registries: Registries, sink: AuditSink, clock: () => Date): Registries {
  async function audited<T>(
    ctx: AccessContext,
    registry: RegistryName,
    operation: string,
    kind: 'read' | 'write',
    fields: readonly string[],
    subjectBefore: string | null,
    run: () => Promise<T>,
    subjectAfter?: (result: T) => string | null,
  ): Promise<T> {
    const entry = (outcome: AuditEntry['outcome'], subjectId: string | null): AuditEntry => ({
      at: clock().toISOString(),
      registry,
      operation,
      kind,
      subjectId,
      fields: [...fields],
      outcome,
      ctx: stripCtx(ctx),
    });
    let result: T;
    const stopTimer = registryCallSeconds.startTimer({ registry, operation });
    try {
      result = await run();
    } catch (e) {
      stopTimer({ outcome: 'error' });
      registryCallErrors.inc({ registry, operation });
      await sink.record(entry('error', subjectBefore));
      throw e;
    }
    stopTimer({ outcome: result == null ? 'not_found' : 'ok' });
    const subject = result != null && subjectAfter ? subjectAfter(result) : subjectBefore;
    await sink.record(entry(result == null ? 'not_found' : 'ok', subject));
    return result;
  }

  const readFields = (ctx: AccessContext, all: string[]) => ctx.fields ?? all;
  const { population, civilStatus, residence, socialInsurance, judicialRecords, tax, employment } = registries;

  return {
    population: {
      getPerson: (ctx, personalId) =>
        audited(ctx, 'population', 'getPerson', 'read', readFields(ctx, PERSON_FIELDS), personalId, () =>
          population.getPerson(ctx, personalId),
        ),
      createPerson: (ctx, person) =>
        audited(
          ctx,
          'population',
          'createPerson',
          'write',
          Object.keys(person),
          null,
          () => population.createPerson(ctx, person),
          (p) => p.personalId,
        ),
      markDeceased: (ctx, personalId) =>
        audited(ctx, 'population', 'markDeceased', 'write', ['deceased'], personalId, () =>
          population.markDeceased(ctx, personalId),
        ),
      // A search by parent: the subject is the parent; the fields are those of the children returned.
      findChildrenOf: (ctx, personalId) =>
        audited(ctx, 'population', 'findChildrenOf', 'read', readFields(ctx, PERSON_FIELDS), personalId, () =>
          population.findChildrenOf(ctx, personalId),
        ),
    },
    civilStatus: {
      registerBirth: (ctx, input) =>
        audited(ctx, 'civilStatus', 'registerBirth', 'write', Object.keys(input), input.childId, () =>
          civilStatus.registerBirth(ctx, input),
        ),
      findBirthByChild: (ctx, childId) =>
        audited(ctx, 'civilStatus', 'findBirthByChild', 'read', readFields(ctx, BIRTH_FIELDS), childId, () =>
          civilStatus.findBirthByChild(ctx, childId),
        ),
      registerDeath: (ctx, input) =>
        audited(ctx, 'civilStatus', 'registerDeath', 'write', Object.keys(input), input.deceasedId, () =>
          civilStatus.registerDeath(ctx, input),
        ),
      findDeathOf: (ctx, personalId) =>
        audited(ctx, 'civilStatus', 'findDeathOf', 'read', readFields(ctx, DEATH_FIELDS), personalId, () =>
          civilStatus.findDeathOf(ctx, personalId),
        ),
      registerMarriage: (ctx, input) =>
        audited(ctx, 'civilStatus', 'registerMarriage', 'write', Object.keys(input), input.partyAId, () =>
          civilStatus.registerMarriage(ctx, input),
        ),
      findCurrentMarriageOf: (ctx, personalId) =>
        audited(ctx, 'civilStatus', 'findCurrentMarriageOf', 'read', readFields(ctx, MARRIAGE_FIELDS), personalId, () =>
          civilStatus.findCurrentMarriageOf(ctx, personalId),
        ),
      findMarriagesOf: (ctx, personalId) =>
        audited(ctx, 'civilStatus', 'findMarriagesOf', 'read', readFields(ctx, MARRIAGE_FIELDS), personalId, () =>
          civilStatus.findMarriagesOf(ctx, personalId),
        ),
    },
    residence: {
      getHouseholdOf: (ctx, personalId) =>
        audited(ctx, 'residence', 'getHouseholdOf', 'read', readFields(ctx, HOUSEHOLD_FIELDS), personalId, () =>
          residence.getHouseholdOf(ctx, personalId),
        ),
      addPermanentMember: (ctx, input) =>
        audited(ctx, 'residence', 'addPermanentMember', 'write', Object.keys(input), input.personalId, () =>
          residence.addPermanentMember(ctx, input),
        ),
      deletePermanentResidence: (ctx, input) =>
        audited(ctx, 'residence', 'deletePermanentResidence', 'write', Object.keys(input), input.personalId, () =>
          residence.deletePermanentResidence(ctx, input),
        ),
    },
    socialInsurance: {
      getCardOf: (ctx, personalId) =>
        audited(ctx, 'socialInsurance', 'getCardOf', 'read', readFields(ctx, CARD_FIELDS), personalId, () =>
          socialInsurance.getCardOf(ctx, personalId),
        ),
      issueHealthInsuranceCard: (ctx, input) =>
        audited(ctx, 'socialInsurance', 'issueHealthInsuranceCard', 'write', Object.keys(input), input.personalId, () =>
          socialInsurance.issueHealthInsuranceCard(ctx, input),
        ),
      getContributionRecord: (ctx, personalId) =>
        audited(ctx, 'socialInsurance', 'getContributionRecord', 'read', readFields(ctx, CONTRIBUTION_FIELDS), personalId, () =>
          socialInsurance.getContributionRecord(ctx, personalId),
        ),
      payBenefit: (ctx, input) =>
        audited(ctx, 'socialInsurance', 'payBenefit', 'write', Object.keys(input), input.beneficiaryId, () =>
          socialInsurance.payBenefit(ctx, input),
        ),
      findBenefitPayments: (ctx, subjectId) =>
        audited(ctx, 'socialInsurance', 'findBenefitPayments', 'read', readFields(ctx, PAYMENT_FIELDS), subjectId, () =>
          socialInsurance.findBenefitPayments(ctx, subjectId),
        ),
    },
    judicialRecords: {
      getConvictionsOf: (ctx, personalId) =>
        audited(ctx, 'judicialRecords', 'getConvictionsOf', 'read', readFields(ctx, CONVICTION_FIELDS), personalId, () =>
          judicialRecords.getConvictionsOf(ctx, personalId),
        ),
      issueCertificate: (ctx, input) =>
        audited(ctx, 'judicialRecords', 'issueCertificate', 'write', Object.keys(input), input.personalId, () =>
          judicialRecords.issueCertificate(ctx, input),
        ),
    },
    tax: {
      findHouseholdBusinessOf: (ctx, ownerId) =>
        audited(ctx, 'tax', 'findHouseholdBusinessOf', 'read', readFields(ctx, TAX_FIELDS), ownerId, () =>
          tax.findHouseholdBusinessOf(ctx, ownerId),
        ),
      registerHouseholdBusiness: (ctx, input) =>
        audited(ctx, 'tax', 'registerHouseholdBusiness', 'write', Object.keys(input), input.ownerId, () =>
          tax.registerHouseholdBusiness(ctx, input),
        ),
    },
    employment: {
      getEmploymentRecord: (ctx, personalId) =>
        audited(ctx, 'employment', 'getEmploymentRecord', 'read', readFields(ctx, EMPLOYMENT_FIELDS), personalId, () =>
          employment.getEmploymentRecord(ctx, personalId),
        ),
      decideUnemploymentBenefit: (ctx, input) =>
        audited(ctx, 'employment', 'decideUnemploymentBenefit', 'write', Object.keys(input), input.personalId, () =>
          employment.decideUnemploymentBenefit(ctx, input),
        ),
    },
  };
}

/** The audit keeps the context's accountability fields only. */
function stripCtx(ctx: AccessContext): AccessContext {
  const { procedureId, procedureVersion, caseId, agency, purpose, legalBasis, actor, decidedBy } = ctx;
  return { procedureId, procedureVersion, caseId, agency, purpose, legalBasis, actor, ...(decidedBy ? { decidedBy } : {}) };
}

/** An in-process sink (for tests and tools); production uses createPostgresAuditSink. */
export function createMemoryAuditSink(): AuditSink & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async record(entry) {
      entries.push(entry);
    },
  };
}
