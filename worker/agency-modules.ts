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
  constructor(agency: AgencyId | 'engine', names: string[]) {
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

/**
 * The engine's Postgres adapter of each registry, imported only when an agency's worker needs it (a worker for one
 * agency never loads another agency's registries).
 */
const POSTGRES_ADAPTERS: { [K in keyof Registries]: (db: Executor, clock: () => Date) => Promise<Registries[K]> } = {
  population: async (db) => (await import('../activities/registries/postgres/population')).createPostgresPopulation(db, cryptoRandom),
  civilStatus: async (db) => (await import('../activities/registries/postgres/civil-status')).createPostgresCivilStatus(db),
  residence: async (db, clock) => (await import('../activities/registries/postgres/residence')).createPostgresResidence(db, clock),
  socialInsurance: async (db) =>
    (await import('../activities/registries/postgres/social-insurance')).createPostgresSocialInsurance(db, cryptoRandom),
  judicialRecords: async (db) => (await import('../activities/registries/postgres/judicial-records')).createPostgresJudicialRecords(db),
  tax: async (db) => (await import('../activities/registries/postgres/tax')).createPostgresTax(db),
  employment: async (db) => (await import('../activities/registries/postgres/employment')).createPostgresEmployment(db),
};

/** The agency's own adapters where given, else (with a database) the Postgres adapters of the named registries. */
async function registriesFor(names: (keyof Registries)[], opts: AgencyActivityOptions, clock: () => Date): Promise<Partial<Registries>> {
  const registries: Partial<Registries> = { ...opts.registries };
  for (const name of names) {
    if (!registries[name] && opts.db) Object.assign(registries, { [name]: await POSTGRES_ADAPTERS[name](opts.db, clock) });
  }
  return registries;
}

export async function loadAgencyActivities(agency: AgencyId, opts: AgencyActivityOptions): Promise<ActivityMap> {
  const clock = opts.clock ?? (() => new Date());
  const audit = await auditSinkOf(opts, agency);
  switch (agency) {
    case 'justice': {
      const { createJusticeActivities } = await import('../activities/agencies/justice');
      const registries = await registriesFor(['population', 'civilStatus'], opts, clock);
      return createJusticeActivities({ registries: need(agency, registries, ['population', 'civilStatus']), audit, clock });
    }
    case 'police': {
      const { createPoliceActivities } = await import('../activities/agencies/police');
      const registries = await registriesFor(['residence', 'population', 'judicialRecords'], opts, clock);
      // Population and judicial records serve the judicial record certificate only: optional for a worker.
      return createPoliceActivities({
        registries: { ...need(agency, registries, ['residence']), population: registries.population, judicialRecords: registries.judicialRecords },
        audit,
        clock,
      });
    }
    case 'vss': {
      const { createVssActivities } = await import('../activities/agencies/vss');
      const registries = await registriesFor(['socialInsurance', 'population', 'civilStatus'], opts, clock);
      // Population and civil status are read by the death group's benefits only: optional for a worker.
      return createVssActivities({
        registries: { ...need(agency, registries, ['socialInsurance']), population: registries.population, civilStatus: registries.civilStatus },
        audit,
        clock,
      });
    }
    case 'tax': {
      const { createTaxActivities } = await import('../activities/agencies/tax');
      const registries = await registriesFor(['tax', 'population'], opts, clock);
      return createTaxActivities({ registries: need(agency, registries, ['tax', 'population']), audit, clock });
    }
    case 'labour': {
      const { createLabourActivities } = await import('../activities/agencies/labour');
      const registries = await registriesFor(['employment', 'population'], opts, clock);
      return createLabourActivities({ registries: need(agency, registries, ['employment', 'population']), audit, clock });
    }
  }
}
