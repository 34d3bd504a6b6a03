/**
 * Per-agency loading: a worker for one agency imports only that agency's activity module and the Postgres
 * adapters of that agency's registries (dynamic imports), unless the agency brings its own adapters.
 */
import { randomInt } from 'node:crypto';
import type { Executor } from '../db/connection';
import type { AgencyId, AuditSink, Registries } from '../activities/registries/types';

/** Cryptographic floats in [0, 1) for ID serials. */
const cryptoRandom = () => randomInt(0, 2 ** 47) / 2 ** 47; // randomInt needs max - min < 2^48

export interface AgencyActivityOptions {
  /** The engine's registries database (used for the agency's Postgres adapters and audit sink when not given). */
  db?: Executor;
  /** The agency's own registry adapters (see docs/agencies.md). */
  registries?: Partial<Registries>;
  audit?: AuditSink;
  clock?: () => Date;
}

export class MissingRegistriesError extends Error {
  readonly code = 'MISSING_REGISTRIES';
  constructor(agency: AgencyId, names: string[]) {
    super(`The ${agency} worker needs the ${names.join(', ')} registries: pass \`registries\` or \`db\``);
  }
}

type ActivityMap = Record<string, (...args: any[]) => Promise<unknown>>;

async function auditSinkOf(opts: AgencyActivityOptions, agency: AgencyId): Promise<AuditSink> {
  if (opts.audit) return opts.audit;
  if (!opts.db) throw new MissingRegistriesError(agency, ['audit sink']);
  const { createPostgresAuditSink } = await import('../activities/registries/postgres/audit-sink');
  return createPostgresAuditSink(opts.db);
}

function need<K extends keyof Registries>(agency: AgencyId, registries: Partial<Registries>, names: K[]): Pick<Registries, K> {
  const missing = names.filter((n) => !registries[n]);
  if (missing.length > 0) throw new MissingRegistriesError(agency, missing);
  return Object.fromEntries(names.map((n) => [n, registries[n]])) as Pick<Registries, K>;
}

export async function loadAgencyActivities(agency: AgencyId, opts: AgencyActivityOptions): Promise<ActivityMap> {
  const clock = opts.clock ?? (() => new Date());
  const audit = await auditSinkOf(opts, agency);
  const given = opts.registries ?? {};
  switch (agency) {
    case 'justice': {
      const { createJusticeActivities } = await import('../activities/agencies/justice');
      const registries: Partial<Registries> = { ...given };
      if (opts.db && !registries.population) {
        const { createPostgresPopulation } = await import('../activities/registries/postgres/population');
        registries.population = createPostgresPopulation(opts.db, cryptoRandom);
      }
      if (opts.db && !registries.civilStatus) {
        const { createPostgresCivilStatus } = await import('../activities/registries/postgres/civil-status');
        registries.civilStatus = createPostgresCivilStatus(opts.db);
      }
      return createJusticeActivities({ registries: need(agency, registries, ['population', 'civilStatus']), audit, clock });
    }
    case 'police': {
      const { createPoliceActivities } = await import('../activities/agencies/police');
      const registries: Partial<Registries> = { ...given };
      if (opts.db && !registries.residence) {
        const { createPostgresResidence } = await import('../activities/registries/postgres/residence');
        registries.residence = createPostgresResidence(opts.db, clock);
      }
      if (opts.db && !registries.population) {
        const { createPostgresPopulation } = await import('../activities/registries/postgres/population');
        registries.population = createPostgresPopulation(opts.db, cryptoRandom);
      }
      if (opts.db && !registries.judicialRecords) {
        const { createPostgresJudicialRecords } = await import('../activities/registries/postgres/judicial-records');
        registries.judicialRecords = createPostgresJudicialRecords(opts.db);
      }
      // Population and judicial records serve the judicial record certificate only: optional for a worker.
      return createPoliceActivities({
        registries: { ...need(agency, registries, ['residence']), population: registries.population, judicialRecords: registries.judicialRecords },
        audit,
        clock,
      });
    }
    case 'vss': {
      const { createVssActivities } = await import('../activities/agencies/vss');
      const registries: Partial<Registries> = { ...given };
      if (opts.db && !registries.socialInsurance) {
        const { createPostgresSocialInsurance } = await import('../activities/registries/postgres/social-insurance');
        registries.socialInsurance = createPostgresSocialInsurance(opts.db, cryptoRandom);
      }
      if (opts.db && !registries.population) {
        const { createPostgresPopulation } = await import('../activities/registries/postgres/population');
        registries.population = createPostgresPopulation(opts.db, cryptoRandom);
      }
      if (opts.db && !registries.civilStatus) {
        const { createPostgresCivilStatus } = await import('../activities/registries/postgres/civil-status');
        registries.civilStatus = createPostgresCivilStatus(opts.db);
      }
      // Population and civil status are read by the death group's benefits only: optional for a worker.
      return createVssActivities({
        registries: { ...need(agency, registries, ['socialInsurance']), population: registries.population, civilStatus: registries.civilStatus },
        audit,
        clock,
      });
    }
    case 'tax': {
      const { createTaxActivities } = await import('../activities/agencies/tax');
      const registries: Partial<Registries> = { ...given };
      if (opts.db && !registries.tax) {
        const { createPostgresTax } = await import('../activities/registries/postgres/tax');
        registries.tax = createPostgresTax(opts.db);
      }
      if (opts.db && !registries.population) {
        const { createPostgresPopulation } = await import('../activities/registries/postgres/population');
        registries.population = createPostgresPopulation(opts.db, cryptoRandom);
      }
      return createTaxActivities({ registries: need(agency, registries, ['tax', 'population']), audit, clock });
    }
    case 'labour': {
      const { createLabourActivities } = await import('../activities/agencies/labour');
      const registries: Partial<Registries> = { ...given };
      if (opts.db && !registries.employment) {
        const { createPostgresEmployment } = await import('../activities/registries/postgres/employment');
        registries.employment = createPostgresEmployment(opts.db);
      }
      if (opts.db && !registries.population) {
        const { createPostgresPopulation } = await import('../activities/registries/postgres/population');
        registries.population = createPostgresPopulation(opts.db, cryptoRandom);
      }
      return createLabourActivities({ registries: need(agency, registries, ['employment', 'population']), audit, clock });
    }
  }
}
