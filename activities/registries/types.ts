/**
 * Registry adapter contracts. An agency implements these against its real system (HTTP, SOAP, its own DB);
 * the engine ships Postgres implementations. Engine code depends only on these interfaces.
 *
 * Every call carries an AccessContext: personal data moves only for a declared purpose and legal basis,
 * and the engine's audit wrapper records each call (see ./audited.ts).
 * Writes are idempotent by `ctx.caseId` + operation, because activities are retried.
 */

export type RegistryName = 'population' | 'civilStatus' | 'residence' | 'socialInsurance';
export type AgencyId = 'justice' | 'police' | 'vss';
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
  /** Who acts: "system", "officer:<id>", "citizen:<personalId>". */
  actor: string;
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
}

export interface Registries {
  population: PopulationRegistry;
  civilStatus: CivilStatusRegistry;
  residence: ResidenceRegistry;
  socialInsurance: SocialInsuranceRegistry;
}

export interface AuditEntry {
  at: string;
  registry: RegistryName;
  operation: string;
  kind: 'read' | 'write';
  subjectId: string | null; // the person whose data moved
  fields: string[];
  outcome: 'ok' | 'not_found' | 'error';
  ctx: AccessContext;
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}
