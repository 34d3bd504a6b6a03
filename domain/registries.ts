/**
 * The registry vocabulary: registries, their records, the adapter contracts and the access context, shared by every
 * layer (the bottom of the project: this file imports nothing of it). An agency implements the contracts against its
 * real system (HTTP, SOAP, its own DB); the engine ships Postgres implementations (activities/registries/postgres).
 *
 * Every call carries an AccessContext: personal data moves only for a declared purpose and legal basis,
 * and the engine's audit wrapper records each call (activities/registries/audited.ts).
 * Writes are idempotent by `ctx.caseId` + operation, because activities are retried.
 */

export type RegistryName = 'population' | 'civilStatus' | 'residence' | 'socialInsurance' | 'judicialRecords' | 'tax' | 'employment';
/**
 * Where the list of agencies (agencies/index.ts, one module each) registers itself, so that `AgencyId` follows the
 * list while this bottom layer imports nothing of the project (declaration merging, as XState's `Register`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AgencyRegister {}
/** The id of an agency of the list (`justice`, `police`, `vss`, `tax`, `labour`, …). */
export type AgencyId = AgencyRegister extends { agencies: readonly { id: infer Id extends string }[] } ? Id : string;
export type Sex = 'male' | 'female';

export interface AccessContext {
  procedureId: string;
  procedureVersion: number;
  caseId: string;
  agency: AgencyId;
  /** Why the data is processed, e.g. "register the birth of a child". */
  purpose: string;
  /** Legal basis, e.g. "Decree 63/2024, Art. 7". */
  legalBasis: string;
  /**
   * Who acts: the system step that calls the registry ("system:<agency>.<service>"), or a person reading at receipt
   * ("citizen:<personalId>", "officer:<id>").
   */
  actor: string;
  /** Whose accepted event led to this call: "officer:<id>@<agency>" who decided, or "citizen:<personalId>". */
  decidedBy?: string;
  /**
   * Data minimisation: the attributes the caller needs from a read. Adapters may return more, but the audit log
   * records these (and callers keep only these). Absent: the whole record is audited as read.
   */
  fields?: readonly string[];
  /**
   * Tells apart several writes of the same kind in one case (e.g. twins: two createPerson calls).
   * The idempotency key of a write is caseId + operationKey.
   */
  operationKey?: string;
}

export interface PersonRecord {
  personalId: string; // 12 digits
  fullName: string;
  dateOfBirth: string; // ISO date yyyy-mm-dd
  sex: Sex;
  ethnicity: string;
  nationality: string; // ISO 3166 alpha-2, e.g. "VN"
  homeTown: string; // commune code (5 digits)
  placeOfBirth: string; // commune code (5 digits)
  fatherId: string | null;
  motherId: string | null;
  deceased: boolean;
}

export interface NewPerson {
  fullName: string;
  dateOfBirth: string;
  sex: Sex;
  ethnicity: string;
  nationality: string;
  homeTown: string;
  placeOfBirth: string;
  /** Province code (3 digits, "0" + 2-digit province) of the place of birth registration: prefix of the new ID. */
  registrationProvince: string;
  fatherId: string | null;
  motherId: string | null;
}

export interface PopulationRegistry {
  getPerson(ctx: AccessContext, personalId: string): Promise<PersonRecord | null>;
  /** Creates the person and allocates a new 12-digit personal ID number. Idempotent per case. */
  createPerson(ctx: AccessContext, person: NewPerson): Promise<PersonRecord>;
  /** Records that the person died (after the death is registered). Idempotent: marking twice changes nothing. */
  markDeceased(ctx: AccessContext, personalId: string): Promise<PersonRecord>;
  /** The person's children recorded in the population database (father or mother is the person). */
  findChildrenOf(ctx: AccessContext, personalId: string): Promise<PersonRecord[]>;
}

export interface BirthRegistration {
  registerBook: string; // e.g. "KS-2026-00106"
  year: number;
  entryNumber: number; // consecutive from 1 within the year per register book; equals the certificate number
  certificateNumber: string;
  childId: string;
  registeredAt: string; // ISO timestamp
  communeCode: string;
  caseId: string;
}

export interface CivilStatusRegistry {
  /** Records a birth in the commune's register book for the year. Idempotent per case. */
  registerBirth(
    ctx: AccessContext,
    input: { childId: string; communeCode: string; registeredAt: string; medicalBirthNoticeNo: string },
  ): Promise<BirthRegistration>;
  findBirthByChild(ctx: AccessContext, childId: string): Promise<BirthRegistration | null>;
  /** Records a death in the commune's death register book for the year (entries numbered from 1). Idempotent per case. */
  registerDeath(ctx: AccessContext, input: NewDeathRegistration): Promise<DeathRegistration>;
  findDeathOf(ctx: AccessContext, personalId: string): Promise<DeathRegistration | null>;
  /** Records a marriage in the commune's marriage register book for the year. Idempotent per case. */
  registerMarriage(ctx: AccessContext, input: NewMarriageRegistration): Promise<MarriageRegistration>;
  /** The person's current marriage (registered, not dissolved), if any: the marital status. */
  findCurrentMarriageOf(ctx: AccessContext, personalId: string): Promise<MarriageRegistration | null>;
  /** Every marriage of the person, dissolved or not (e.g. to find the spouse at the time of a death). */
  findMarriagesOf(ctx: AccessContext, personalId: string): Promise<MarriageRegistration[]>;
}

export type CauseOfDeath = 'natural' | 'illness' | 'workAccident' | 'occupationalDisease' | 'other';

export interface NewDeathRegistration {
  deceasedId: string;
  communeCode: string;
  registeredAt: string;
  dateOfDeath: string; // yyyy-mm-dd
  placeOfDeath: string; // commune code
  cause: CauseOfDeath;
  /** Number of the death notice (giấy báo tử) issued by the hospital or commune. */
  deathNoticeNo: string;
  declarantId: string;
}

export interface DeathRegistration {
  registerBook: string; // e.g. "KT-2026-00004" (KT: khai tử, death)
  year: number;
  entryNumber: number;
  certificateNumber: string;
  deceasedId: string;
  dateOfDeath: string;
  placeOfDeath: string;
  cause: CauseOfDeath;
  declarantId: string;
  registeredAt: string;
  communeCode: string;
  caseId: string;
}

export interface NewMarriageRegistration {
  partyAId: string;
  partyBId: string;
  communeCode: string;
  registeredAt: string;
}

export interface MarriageRegistration {
  registerBook: string; // e.g. "KH-2026-00004" (KH: kết hôn, marriage)
  year: number;
  entryNumber: number;
  certificateNumber: string;
  partyAId: string;
  partyBId: string;
  registeredAt: string;
  communeCode: string;
  caseId: string;
  /** Divorce, or the death of a spouse. */
  dissolvedAt: string | null;
}

export interface Address {
  provinceCode: string; // 2 digits (2025 codes)
  communeCode: string; // 5 digits
  street: string;
}

export interface Household {
  householdId: string;
  headId: string;
  address: Address;
  members: { personalId: string; relationToHead: string; since: string }[];
}

export interface ResidenceRegistry {
  getHouseholdOf(ctx: AccessContext, personalId: string): Promise<Household | null>;
  /** Adds a permanent member (with the household head's agreement). Idempotent per case. */
  addPermanentMember(
    ctx: AccessContext,
    input: { householdId: string; personalId: string; relationToHead: string; headConsentRef: string },
  ): Promise<Household>;
  /** Deletes a permanent residence (death, …), keeping a deletion record. Idempotent per case. */
  deletePermanentResidence(
    ctx: AccessContext,
    input: { personalId: string; reason: string; basisRef: string },
  ): Promise<ResidenceDeletion>;
}

export interface ResidenceDeletion {
  personalId: string;
  householdId: string;
  relationToHead: string;
  reason: string;
  /** The document the deletion rests on (e.g. the death certificate number). */
  basisRef: string;
  deletedAt: string;
  caseId: string;
}

export interface HealthInsuranceCard {
  cardNumber: string; // shows the 10-digit social-insurance number
  socialInsuranceNumber: string; // 10 digits: 2-digit province + 8
  personalId: string;
  validFrom: string;
  validTo: string;
  beneficiaryGroup: string; // e.g. "TE" children under 6, state-funded
}

export interface SocialInsuranceRegistry {
  getCardOf(ctx: AccessContext, personalId: string): Promise<HealthInsuranceCard | null>;
  /** Allocates a social-insurance number if needed and issues a card. Idempotent per case. */
  issueHealthInsuranceCard(
    ctx: AccessContext,
    input: { personalId: string; provinceCode: string; validFrom: string; beneficiaryGroup: string },
  ): Promise<HealthInsuranceCard>;
  /** Contribution history and pension status (null: the person never contributed nor draws a pension). */
  getContributionRecord(ctx: AccessContext, personalId: string): Promise<ContributionRecord | null>;
  /** Records a benefit payment. Idempotent per case + operation key (one payment of a kind per case). */
  payBenefit(ctx: AccessContext, input: NewBenefitPayment): Promise<BenefitPayment>;
  findBenefitPayments(ctx: AccessContext, subjectId: string): Promise<BenefitPayment[]>;
}

export interface ContributionRecord {
  personalId: string;
  /** Months of compulsory social-insurance contributions. */
  compulsoryMonths: number;
  /** Average monthly salary on which contributions were paid (VND). */
  averageMonthlySalary: number;
  pensioner: boolean;
  pensionSince: string | null;
}

export type BenefitKind = 'funeralAllowance' | 'survivorOneTime';

export interface NewBenefitPayment {
  kind: BenefitKind;
  /** The insured person the benefit derives from (the deceased). */
  subjectId: string;
  /** Who receives it (the representative of the family). */
  beneficiaryId: string;
  amount: number; // VND
  /** How the amount was computed (for the decision and the audit). */
  basis: string;
  paidAt: string;
}

export interface BenefitPayment extends NewBenefitPayment {
  paymentRef: string;
  caseId: string;
}

/** A conviction in the judicial records database (lý lịch tư pháp). */
export interface Conviction {
  judgmentRef: string;
  court: string;
  date: string;
  offence: string;
  sentence: string;
  /** Expunged convictions (đã được xóa án tích) are not shown on a type 1 certificate. */
  expunged: boolean;
}

export interface JudicialRecordCertificate {
  certificateNumber: string;
  personalId: string;
  /** Type 1: for the person (no expunged convictions); type 2: full record (for proceedings or the person's request). */
  certificateType: '1' | '2';
  convictions: Conviction[];
  issuedAt: string;
  caseId: string;
}

export interface JudicialRecordsRegistry {
  getConvictionsOf(ctx: AccessContext, personalId: string): Promise<Conviction[]>;
  /** Issues a certificate with the convictions it shows. Idempotent per case. */
  issueCertificate(
    ctx: AccessContext,
    input: { personalId: string; certificateType: '1' | '2'; convictions: Conviction[]; issuedAt: string },
  ): Promise<JudicialRecordCertificate>;
}

export interface Registries {
  population: PopulationRegistry;
  civilStatus: CivilStatusRegistry;
  residence: ResidenceRegistry;
  socialInsurance: SocialInsuranceRegistry;
  judicialRecords: JudicialRecordsRegistry;
  tax: TaxRegistry;
  employment: EmploymentRegistry;
}

/** The last employment and its unemployment-insurance contributions (from VSS's contribution data). */
export interface EmploymentRecord {
  personalId: string;
  lastEmployer: string;
  contractEndedAt: string; // yyyy-mm-dd
  /** Months of unemployment-insurance contributions in the 24 months before the contract ended. */
  unemploymentInsuranceMonths: number;
  /** Average monthly salary of the last 6 months of contributions (VND). */
  averageMonthlySalary: number;
}

export interface UnemploymentDecision {
  decisionNumber: string;
  personalId: string;
  contractEndedAt: string;
  monthlyAmount: number;
  months: number;
  basis: string;
  decidedAt: string;
  caseId: string;
}

export interface EmploymentRegistry {
  getEmploymentRecord(ctx: AccessContext, personalId: string): Promise<EmploymentRecord | null>;
  /** Records the decision granting the benefit. Idempotent per case; one decision per termination. */
  decideUnemploymentBenefit(ctx: AccessContext, input: Omit<UnemploymentDecision, 'decisionNumber' | 'caseId'>): Promise<UnemploymentDecision>;
}

/** A household business registered for tax; since 1 July 2025 the tax code is the owner's personal ID number. */
export interface TaxRegistration {
  taxCode: string;
  ownerId: string;
  businessName: string;
  businessLine: string;
  communeCode: string;
  provinceCode: string;
  startDate: string;
  registeredAt: string;
  caseId: string;
}

export interface TaxRegistry {
  findHouseholdBusinessOf(ctx: AccessContext, ownerId: string): Promise<TaxRegistration | null>;
  /** First tax registration of a household business. Idempotent per case. */
  registerHouseholdBusiness(
    ctx: AccessContext,
    input: Omit<TaxRegistration, 'taxCode' | 'caseId'>,
  ): Promise<TaxRegistration>;
}

export interface AuditEntry {
  at: string;
  registry: RegistryName;
  operation: string;
  /** `view`: an officer or operator looked at a case holding the person's data (the read model's case file). */
  kind: 'read' | 'write' | 'view';
  subjectId: string | null; // the person whose data moved
  fields: string[];
  outcome: 'ok' | 'not_found' | 'error';
  ctx: AccessContext;
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}
