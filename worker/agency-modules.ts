/**
 * Per-agency loading, driven by the agency's module (agencies/): a worker for one agency imports only that agency's
 * activity factory and the adapters of the registries its module declares (dynamic imports), unless the agency
 * brings its own adapters. Each activity's failures are classified retryable or not from the module's declaration.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Executor } from '../db/connection';
import type { AuditSink, Registries, RegistryName } from '../domain/registries';
import type { AtomicAuditScope } from '../activities/registries/audited';
import { FINAL_REGISTRY_CODES } from '../activities/registries/errors';
import { agencyModule } from '../agencies/index';
import type { ActivityMap, AdapterFactory, AgencyModule } from '../agencies/agency-module';

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
  constructor(agency: string, names: string[]) {
    super(`The ${agency} worker needs the ${names.join(', ')} registries: pass \`registries\` or \`db\``);
  }
}

/**
 * Conditions raised by code every agency shares that retrying cannot fix: the registers' refusals, invalid service
 * input, a registry the worker was started without, data the state already holds (once-only), an unknown procedure.
 * An agency adds its own in its module (`nonRetryable`).
 */
const SHARED_FINAL_CODES: readonly string[] = [
  ...FINAL_REGISTRY_CODES,
  'INVALID_SERVICE_INPUT',
  'REGISTRY_NOT_CONFIGURED',
  'DATA_ALREADY_HELD',
  'UNKNOWN_FIELD',
  'INVALID_FIELD_VALUE',
  'MISSING_FIELDS',
  'UNKNOWN_PROCEDURE',
];

async function auditSinkOf(opts: AgencyActivityOptions, agency: string): Promise<AuditSink> {
  if (opts.audit) return opts.audit;
  if (!opts.db) throw new MissingRegistriesError(agency, ['audit sink']);
  const { createPostgresAuditSink } = await import('../activities/registries/postgres/audit-sink');
  return createPostgresAuditSink(opts.db, { groupCommit: true });
}

/** Builds the named registries on an executor (the database, or a transaction); the agency's own adapters as given. */
async function postgresBinding(module: AgencyModule, names: RegistryName[], opts: AgencyActivityOptions) {
  const adapters = { ...module.registries.optional, ...module.registries.required };
  const factories = new Map<RegistryName, AdapterFactory>();
  for (const name of names) if (!opts.registries?.[name] && opts.db) factories.set(name, (await adapters[name]!()) as AdapterFactory);
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
async function atomicScopeOf(module: AgencyModule, names: RegistryName[], opts: AgencyActivityOptions, clock: () => Date): Promise<AtomicAuditScope | undefined> {
  if (opts.audit || !opts.db || names.some((n) => opts.registries?.[n])) return undefined;
  const binding = await postgresBinding(module, names, opts);
  const { postgresAtomicScope } = await import('../activities/registries/postgres/atomic');
  return postgresAtomicScope(opts.db, (tx) => binding.bind(tx, clock));
}

/** Each activity's coded failure is final when its code is one of the shared or the agency's declared conditions. */
function withRetryPolicy(activities: ActivityMap, finalCodes: ReadonlySet<string>): ActivityMap {
  const classify = (err: unknown) => {
    if (!(err instanceof ApplicationFailure) || err.nonRetryable || !err.type || !finalCodes.has(err.type)) return err;
    return ApplicationFailure.create({ type: err.type, message: err.message, nonRetryable: true, details: err.details ?? undefined, cause: err.cause });
  };
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } catch (err) {
          throw classify(err);
        }
      },
    ]),
  );
}

/**
 * The activities of `agency` (an id of the agency list, or a module not in it, e.g. a test's fixture agency), on
 * the registries its module declares: required ones must be there, optional ones may be missing.
 */
export async function loadAgencyActivities(agency: string | AgencyModule, opts: AgencyActivityOptions): Promise<ActivityMap> {
  const module = typeof agency === 'string' ? agencyModule(agency) : agency;
  const clock = opts.clock ?? (() => new Date());
  const audit = await auditSinkOf(opts, module.id);
  const required = Object.keys(module.registries.required) as RegistryName[];
  const names = [...required, ...(Object.keys(module.registries.optional) as RegistryName[]).filter((n) => !required.includes(n))];
  const registries = (await postgresBinding(module, names, opts)).bind(opts.db, clock);
  const missing = required.filter((n) => !registries[n]);
  if (missing.length > 0) throw new MissingRegistriesError(module.id, missing);
  const atomic = await atomicScopeOf(module, names, opts, clock);
  const create = await module.activities();
  const given = Object.fromEntries(names.map((n) => [n, registries[n]])) as Partial<Registries>;
  return withRetryPolicy(create({ registries: given, audit, clock, atomic }), new Set([...SHARED_FINAL_CODES, ...module.nonRetryable]));
}
