/**
 * The audit wrapper: records every registry call — read or write, whose data, which fields, the outcome, and the
 * access context (procedure, case, agency, purpose, legal basis, actor) — for any implementation, including an
 * agency's own HTTP adapter. Decree 13/2023 / Law 91/2025: log every access to personal data.
 *
 * The entry is written before the result is handed back; if the audit sink fails, the call fails too (no
 * unaudited data movement). With an `atomic` scope (the engine's Postgres registries: postgres/atomic.ts) the call
 * and its entry commit in one transaction: a registry write is never without its entry, nor an entry without its
 * write. A call that fails is rolled back and then recorded (outcome `error`) on its own.
 */
import type { AccessContext, AuditEntry, AuditSink, RegistryName, Registries } from '../../domain/registries';
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

/** Runs a registry call and its audit entry in one transaction, with registries and a sink bound to it. */
export interface AtomicAuditScope {
  run<T>(work: (registries: Registries, sink: AuditSink) => Promise<T>): Promise<T>;
}

export function auditRegistries(registries: Registries, sink: AuditSink, clock: () => Date, atomic?: AtomicAuditScope): Registries {
  async function audited<T>(
    ctx: AccessContext,
    registry: RegistryName,
    operation: string,
    kind: 'read' | 'write',
    fields: readonly string[],
    subjectBefore: string | null,
    run: (r: Registries) => Promise<T>,
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
    const callAndRecord = async (r: Registries, s: AuditSink) => {
      const result = await run(r);
      const subject = result != null && subjectAfter ? subjectAfter(result) : subjectBefore;
      await s.record(entry(result == null ? 'not_found' : 'ok', subject));
      return result;
    };
    let result: T;
    const stopTimer = registryCallSeconds.startTimer({ registry, operation });
    try {
      result = atomic ? await atomic.run(callAndRecord) : await callAndRecord(registries, sink);
    } catch (e) {
      stopTimer({ outcome: 'error' });
      registryCallErrors.inc({ registry, operation });
      await sink.record(entry('error', subjectBefore));
      throw e;
    }
    stopTimer({ outcome: result == null ? 'not_found' : 'ok' });
    return result;
  }

  const readFields = (ctx: AccessContext, all: string[]) => ctx.fields ?? all;

  return {
    population: {
      getPerson: (ctx, personalId) =>
        audited(ctx, 'population', 'getPerson', 'read', readFields(ctx, PERSON_FIELDS), personalId, (r) =>
          r.population.getPerson(ctx, personalId),
        ),
      createPerson: (ctx, person) =>
        audited(
          ctx,
          'population',
          'createPerson',
          'write',
          Object.keys(person),
          null,
          (r) => r.population.createPerson(ctx, person),
          (p) => p.personalId,
        ),
      markDeceased: (ctx, personalId) =>
        audited(ctx, 'population', 'markDeceased', 'write', ['deceased'], personalId, (r) =>
          r.population.markDeceased(ctx, personalId),
        ),
      // A search by parent: the subject is the parent; the fields are those of the children returned.
      findChildrenOf: (ctx, personalId) =>
        audited(ctx, 'population', 'findChildrenOf', 'read', readFields(ctx, PERSON_FIELDS), personalId, (r) =>
          r.population.findChildrenOf(ctx, personalId),
        ),
    },
    civilStatus: {
      registerBirth: (ctx, input) =>
        audited(ctx, 'civilStatus', 'registerBirth', 'write', Object.keys(input), input.childId, (r) =>
          r.civilStatus.registerBirth(ctx, input),
        ),
      findBirthByChild: (ctx, childId) =>
        audited(ctx, 'civilStatus', 'findBirthByChild', 'read', readFields(ctx, BIRTH_FIELDS), childId, (r) =>
          r.civilStatus.findBirthByChild(ctx, childId),
        ),
      registerDeath: (ctx, input) =>
        audited(ctx, 'civilStatus', 'registerDeath', 'write', Object.keys(input), input.deceasedId, (r) =>
          r.civilStatus.registerDeath(ctx, input),
        ),
      findDeathOf: (ctx, personalId) =>
        audited(ctx, 'civilStatus', 'findDeathOf', 'read', readFields(ctx, DEATH_FIELDS), personalId, (r) =>
          r.civilStatus.findDeathOf(ctx, personalId),
        ),
      registerMarriage: (ctx, input) =>
        audited(ctx, 'civilStatus', 'registerMarriage', 'write', Object.keys(input), input.partyAId, (r) =>
          r.civilStatus.registerMarriage(ctx, input),
        ),
      findCurrentMarriageOf: (ctx, personalId) =>
        audited(ctx, 'civilStatus', 'findCurrentMarriageOf', 'read', readFields(ctx, MARRIAGE_FIELDS), personalId, (r) =>
          r.civilStatus.findCurrentMarriageOf(ctx, personalId),
        ),
      findMarriagesOf: (ctx, personalId) =>
        audited(ctx, 'civilStatus', 'findMarriagesOf', 'read', readFields(ctx, MARRIAGE_FIELDS), personalId, (r) =>
          r.civilStatus.findMarriagesOf(ctx, personalId),
        ),
    },
    residence: {
      getHouseholdOf: (ctx, personalId) =>
        audited(ctx, 'residence', 'getHouseholdOf', 'read', readFields(ctx, HOUSEHOLD_FIELDS), personalId, (r) =>
          r.residence.getHouseholdOf(ctx, personalId),
        ),
      addPermanentMember: (ctx, input) =>
        audited(ctx, 'residence', 'addPermanentMember', 'write', Object.keys(input), input.personalId, (r) =>
          r.residence.addPermanentMember(ctx, input),
        ),
      deletePermanentResidence: (ctx, input) =>
        audited(ctx, 'residence', 'deletePermanentResidence', 'write', Object.keys(input), input.personalId, (r) =>
          r.residence.deletePermanentResidence(ctx, input),
        ),
    },
    socialInsurance: {
      getCardOf: (ctx, personalId) =>
        audited(ctx, 'socialInsurance', 'getCardOf', 'read', readFields(ctx, CARD_FIELDS), personalId, (r) =>
          r.socialInsurance.getCardOf(ctx, personalId),
        ),
      issueHealthInsuranceCard: (ctx, input) =>
        audited(ctx, 'socialInsurance', 'issueHealthInsuranceCard', 'write', Object.keys(input), input.personalId, (r) =>
          r.socialInsurance.issueHealthInsuranceCard(ctx, input),
        ),
      getContributionRecord: (ctx, personalId) =>
        audited(ctx, 'socialInsurance', 'getContributionRecord', 'read', readFields(ctx, CONTRIBUTION_FIELDS), personalId, (r) =>
          r.socialInsurance.getContributionRecord(ctx, personalId),
        ),
      payBenefit: (ctx, input) =>
        audited(ctx, 'socialInsurance', 'payBenefit', 'write', Object.keys(input), input.beneficiaryId, (r) =>
          r.socialInsurance.payBenefit(ctx, input),
        ),
      findBenefitPayments: (ctx, subjectId) =>
        audited(ctx, 'socialInsurance', 'findBenefitPayments', 'read', readFields(ctx, PAYMENT_FIELDS), subjectId, (r) =>
          r.socialInsurance.findBenefitPayments(ctx, subjectId),
        ),
    },
    judicialRecords: {
      getConvictionsOf: (ctx, personalId) =>
        audited(ctx, 'judicialRecords', 'getConvictionsOf', 'read', readFields(ctx, CONVICTION_FIELDS), personalId, (r) =>
          r.judicialRecords.getConvictionsOf(ctx, personalId),
        ),
      issueCertificate: (ctx, input) =>
        audited(ctx, 'judicialRecords', 'issueCertificate', 'write', Object.keys(input), input.personalId, (r) =>
          r.judicialRecords.issueCertificate(ctx, input),
        ),
    },
    tax: {
      findHouseholdBusinessOf: (ctx, ownerId) =>
        audited(ctx, 'tax', 'findHouseholdBusinessOf', 'read', readFields(ctx, TAX_FIELDS), ownerId, (r) =>
          r.tax.findHouseholdBusinessOf(ctx, ownerId),
        ),
      registerHouseholdBusiness: (ctx, input) =>
        audited(ctx, 'tax', 'registerHouseholdBusiness', 'write', Object.keys(input), input.ownerId, (r) =>
          r.tax.registerHouseholdBusiness(ctx, input),
        ),
    },
    employment: {
      getEmploymentRecord: (ctx, personalId) =>
        audited(ctx, 'employment', 'getEmploymentRecord', 'read', readFields(ctx, EMPLOYMENT_FIELDS), personalId, (r) =>
          r.employment.getEmploymentRecord(ctx, personalId),
        ),
      decideUnemploymentBenefit: (ctx, input) =>
        audited(ctx, 'employment', 'decideUnemploymentBenefit', 'write', Object.keys(input), input.personalId, (r) =>
          r.employment.decideUnemploymentBenefit(ctx, input),
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
