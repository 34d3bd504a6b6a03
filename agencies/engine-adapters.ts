/**
 * The engine's Postgres adapter of each registry, as an agency module names it: each is imported only when a worker
 * needs it (a worker for one agency never loads another agency's registries).
 */
import { randomInt } from 'node:crypto';
import type { RegistryAdapters } from './agency-module';

/** Cryptographic floats in [0, 1) for ID serials. */
const cryptoRandom = () => randomInt(0, 2 ** 47) / 2 ** 47; // randomInt needs max - min < 2^48

export const postgresAdapters: RegistryAdapters = {
  population: async () => {
    const m = await import('../activities/registries/postgres/population');
    return (db) => m.createPostgresPopulation(db, cryptoRandom);
  },
  civilStatus: async () => {
    const m = await import('../activities/registries/postgres/civil-status');
    return (db) => m.createPostgresCivilStatus(db);
  },
  residence: async () => {
    const m = await import('../activities/registries/postgres/residence');
    return (db, clock) => m.createPostgresResidence(db, clock);
  },
  socialInsurance: async () => {
    const m = await import('../activities/registries/postgres/social-insurance');
    return (db) => m.createPostgresSocialInsurance(db, cryptoRandom);
  },
  judicialRecords: async () => {
    const m = await import('../activities/registries/postgres/judicial-records');
    return (db) => m.createPostgresJudicialRecords(db);
  },
  tax: async () => {
    const m = await import('../activities/registries/postgres/tax');
    return (db) => m.createPostgresTax(db);
  },
  employment: async () => {
    const m = await import('../activities/registries/postgres/employment');
    return (db) => m.createPostgresEmployment(db);
  },
};
