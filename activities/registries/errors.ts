/** Errors the registry adapters raise. Each condition has one class with a stable `code`. */
import { FACT_RULE_CODES } from '../../domain/plausibility';

export abstract class RegistryError extends Error {
  abstract readonly code: string;
}

export class PersonNotFoundError extends RegistryError {
  readonly code = 'PERSON_NOT_FOUND';
  constructor(readonly personalId: string) {
    super(`No person with personal ID ${personalId}`);
  }
}

export class PersonalIdAllocationError extends RegistryError {
  readonly code = 'PERSONAL_ID_ALLOCATION_FAILED';
  constructor(attempts: number) {
    super(`Could not allocate a free personal ID number in ${attempts} attempts`);
  }
}

export class SocialInsuranceNumberAllocationError extends RegistryError {
  readonly code = 'SOCIAL_INSURANCE_NUMBER_ALLOCATION_FAILED';
  constructor(attempts: number) {
    super(`Could not allocate a free social-insurance number in ${attempts} attempts`);
  }
}

export class BirthAlreadyRegisteredError extends RegistryError {
  readonly code = 'BIRTH_ALREADY_REGISTERED';
  constructor(
    readonly childId: string,
    readonly caseId: string,
  ) {
    super(`The birth of ${childId} is already registered (case ${caseId})`);
  }
}

export class HouseholdNotFoundError extends RegistryError {
  readonly code = 'HOUSEHOLD_NOT_FOUND';
  constructor(readonly householdId: string) {
    super(`No household ${householdId}`);
  }
}

export class AlreadyPermanentResidentError extends RegistryError {
  readonly code = 'ALREADY_PERMANENT_RESIDENT';
  constructor(
    readonly personalId: string,
    readonly householdId: string,
  ) {
    super(`${personalId} already has a permanent residence in household ${householdId}`);
  }
}

export class DeathAlreadyRegisteredError extends RegistryError {
  readonly code = 'DEATH_ALREADY_REGISTERED';
  constructor(
    readonly personalId: string,
    readonly caseId: string,
  ) {
    super(`The death of ${personalId} is already registered (case ${caseId})`);
  }
}

export class AlreadyMarriedError extends RegistryError {
  readonly code = 'ALREADY_MARRIED';
  constructor(readonly personalId: string) {
    super(`${personalId} is already married (a registered marriage that has not been dissolved)`);
  }
}

export class NoPermanentResidenceError extends RegistryError {
  readonly code = 'NO_PERMANENT_RESIDENCE';
  constructor(readonly personalId: string) {
    super(`${personalId} has no permanent residence to delete`);
  }
}

export class BenefitAlreadyPaidError extends RegistryError {
  readonly code = 'BENEFIT_ALREADY_PAID';
  constructor(
    readonly subjectId: string,
    readonly kind: string,
  ) {
    super(`The ${kind} for ${subjectId} has already been paid`);
  }
}

export class AlreadyTaxRegisteredError extends RegistryError {
  readonly code = 'ALREADY_TAX_REGISTERED';
  constructor(readonly ownerId: string) {
    super(`${ownerId} already has a household business registered for tax`);
  }
}

export class InvalidRegistryInputError extends RegistryError {
  readonly code = 'INVALID_REGISTRY_INPUT';
}

/**
 * The registers' refusals: retrying cannot fix them, the case takes another path. Every registry condition but the
 * allocation failures (a free number may be found on the next attempt); an inconsistent fact (domain/plausibility.ts)
 * stays inconsistent however often it is retried.
 */
export const FINAL_REGISTRY_CODES: readonly string[] = [
  'PERSON_NOT_FOUND',
  'BIRTH_ALREADY_REGISTERED',
  'HOUSEHOLD_NOT_FOUND',
  'ALREADY_PERMANENT_RESIDENT',
  'DEATH_ALREADY_REGISTERED',
  'ALREADY_MARRIED',
  'NO_PERMANENT_RESIDENCE',
  'BENEFIT_ALREADY_PAID',
  'ALREADY_TAX_REGISTERED',
  'INVALID_REGISTRY_INPUT',
  ...FACT_RULE_CODES,
];

/** Postgres unique violation (SQLSTATE 23505), through drizzle's wrapper if any. */
export function isUniqueViolation(e: unknown): boolean {
  for (let cur: any = e, i = 0; cur && i < 4; cur = cur.cause, i++) {
    if (cur.code === '23505') return true;
  }
  return false;
}
