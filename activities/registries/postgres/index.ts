/** The engine's own Postgres registries (PGlite or a server): one implementation of every registry contract. */
import { randomInt } from 'node:crypto';
import type { Executor } from '../../../db/connection';
import type { Registries } from '../../../domain/registries';
import { createPostgresCivilStatus } from './civil-status';
import { createPostgresPopulation } from './population';
import { createPostgresResidence } from './residence';
import { createPostgresSocialInsurance } from './social-insurance';
import { createPostgresJudicialRecords } from './judicial-records';
import { createPostgresTax } from './tax';
import { createPostgresEmployment } from './employment';
import type { RandomSource } from './keys';

export interface PostgresRegistriesOptions {
  /** Random floats in [0, 1) for ID serials; defaults to a cryptographic source. */
  random?: RandomSource;
  /** The clock for "member since" dates and for "not in the future" checks; defaults to the system clock. */
  clock?: () => Date;
}

/** Cryptographic floats in [0, 1): serials of personal IDs must not be guessable. */
// randomInt needs max - min < 2^48.
export const cryptoRandom: RandomSource = () => randomInt(0, 2 ** 47) / 2 ** 47;

export function createPostgresRegistries(db: Executor, options: PostgresRegistriesOptions = {}): Registries {
  const random = options.random ?? cryptoRandom;
  const clock = options.clock ?? (() => new Date());
  return {
    population: createPostgresPopulation(db, random, clock),
    civilStatus: createPostgresCivilStatus(db, clock),
    residence: createPostgresResidence(db, clock),
    socialInsurance: createPostgresSocialInsurance(db, random),
    judicialRecords: createPostgresJudicialRecords(db),
    tax: createPostgresTax(db),
    employment: createPostgresEmployment(db),
  };
}

export type { RandomSource } from './keys';
export { birthBookCode, findBirthByChildId } from './civil-status';
export { certificateNumberOf } from './civil-status-events';
export { findPerson } from './population';
export { findHousehold, findHouseholdOf, findResidenceDeletionsOf } from './residence';
export { civilBookCode, findCurrentMarriage, findDeathOfPerson } from './civil-status-events';
export { findCertificatesOf, findConvictionsOf } from './judicial-records';
export { findHouseholdBusiness } from './tax';
export { findUnemploymentDecisions } from './employment';
export {
  cardValidTo,
  findBenefitPaymentsOf,
  findCardOf,
  findContributionRecord,
  healthInsuranceCardNumber,
} from './social-insurance';
