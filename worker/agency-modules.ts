/**
 * Per-agency loading: a worker for one agency imports only that agency's activity module and the Postgres
 * adapters of that agency's registries (dynamic imports), unless the agency brings its own adapters.
 */
import { randomInt } from 'node:crypto';
import type { Executor } from '../db/connection';
import type { AgencyId, AuditSink, Registries } from '../domain/registries';
import type { AtomicAuditScope } from '../activities/registries/audited';

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
type AdapterFactory<K extends keyof Registries> = (db: Executor, clock: () => Date) => Registries[K];
const POSTGRES_ADAPTERS: { [K in keyof Registries]: () => Promise<AdapterFactory<K>> } = {
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

/** The agency's own adapters where given, else (with a database) the Postgres adapters of the named registries. */
async function registriesFor(names: (keyof Registries)[], opts: AgencyActivityOptions, clock: () => Date): Promise<Partial<Registries>> {
  return (await postgresBinding(names, opts)).bind(opts.db, clock);
}

/** Builds the named registries on an executor (the database, or a transaction); the agency's own adapters as given. */
async function postgresBinding(names: (keyof Registries)[], opts: AgencyActivityOptions) {
  const factories = new Map<keyof Registries, AdapterFactory<keyof Registries>>();
  for (const name of names) if (!opts.registries?.[name] && opts.db) factories.set(name, (await POSTGRES_ADAPTERS[name]()) as AdapterFactory<keyof Registries>);
  return {
    bind(db: Executor | undefined, clock: () => Date): Partial<Registries> {
      const registries: Partial<Registries> = { ...opts.registries };
      if (db) for (const [name, make] of factories) Object.assign(registries, { [name]: make(db, clock) });
      return registries;
    },
  };
}

/**
 * With the engine's database, its audit sink and its adapters only, each registry call commits in one transaction
 * with its audit entry (the Postgres adapters are bound to it). An agency's own audit sink or adapters cannot join
 * that transaction (and, on an embedded database, would wait for it): their calls are audited one after the other.
 */
async function atomicScopeOf(names: (keyof Registries)[], opts: AgencyActivityOptions, clock: () => Date): Promise<AtomicAuditScope | undefined> {
  if (opts.audit || !opts.db || names.some((n) => opts.registries?.[n])) return undefined;
  const binding = await postgresBinding(names, opts);
  const { postgresAtomicScope } = await import('../activities/registries/postgres/atomic');
  return postgresAtomicScope(opts.db, (tx) => binding.bind(tx, clock));
}

export async function loadAgencyActivities(agency: AgencyId, opts: AgencyActivityOptions): Promise<ActivityMap> {
  const clock = opts.clock ?? (() => new Date());
  const audit = await auditSinkOf(opts, agency);
  switch (agency) {
    case 'justice': {
      const { createJusticeActivities } = await import('../activities/agencies/justice');
      const registries = await registriesFor(['population', 'civilStatus'], opts, clock);
      const atomic = await atomicScopeOf(['population', 'civilStatus'], opts, clock);
      return createJusticeActivities({ registries: need(agency, registries, ['population', 'civilStatus']), audit, clock, atomic });
    }
    case 'police': {
      const { createPoliceActivities } = await import('../activities/agencies/police');
      const registries = await registriesFor(['residence', 'population', 'judicialRecords'], opts, clock);
      const atomic = await atomicScopeOf(['residence', 'population', 'judicialRecords'], opts, clock);
      // Population and judicial records serve the judicial record certificate only: optional for a worker.
      return createPoliceActivities({
        registries: { ...need(agency, registries, ['residence']), population: registries.population, judicialRecords: registries.judicialRecords },
        audit,
        clock,
        atomic,
      });
    }
    case 'vss': {
      const { createVssActivities } = await import('../activities/agencies/vss');
      const registries = await registriesFor(['socialInsurance', 'population', 'civilStatus'], opts, clock);
      const atomic = await atomicScopeOf(['socialInsurance', 'population', 'civilStatus'], opts, clock);
      // Population and civil status are read by the death group's benefits only: optional for a worker.
      return createVssActivities({
        registries: { ...need(agency, registries, ['socialInsurance']), population: registries.population, civilStatus: registries.civilStatus },
        audit,
        clock,
        atomic,
      });
    }
    case 'tax': {
      const { createTaxActivities } = await import('../activities/agencies/tax');
      const registries = await registriesFor(['tax', 'population'], opts, clock);
      const atomic = await atomicScopeOf(['tax', 'population'], opts, clock);
      return createTaxActivities({ registries: need(agency, registries, ['tax', 'population']), audit, clock, atomic });
    }
    case 'labour': {
      const { createLabourActivities } = await import('../activities/agencies/labour');
      const registries = await registriesFor(['employment', 'population'], opts, clock);
      const atomic = await atomicScopeOf(['employment', 'population'], opts, clock);
      return createLabourActivities({ registries: need(agency, registries, ['employment', 'population']), audit, clock, atomic });
    }
  }
}
