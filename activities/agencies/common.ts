/**
 * What every agency's activities share: the access context built from the runner's request, the audit wrapper
 * for the agency's own registries, and the mapping of domain errors to Temporal failures with stable types.
 */
import { ApplicationFailure } from '@temporalio/common';
import { auditRegistries, type AtomicAuditScope } from '../registries/audited';
import type { AccessContext, AgencyId, AuditSink, Registries } from '../../domain/registries';
import type { ServiceRequest } from '../../procedures/types';

export interface AgencyDeps<R extends Partial<Registries>> {
  /** Only the registries this agency holds or may read. */
  registries: R;
  audit: AuditSink;
  clock: () => Date;
  /** The engine's Postgres registries: each call commits with its audit entry (registries/postgres/atomic.ts). */
  atomic?: AtomicAuditScope;
}

/** Wraps the agency's registries so every call is audited. */
export function audited<R extends Partial<Registries>>(deps: AgencyDeps<R>): R {
  const wrapped = auditRegistries(deps.registries as unknown as Registries, deps.audit, deps.clock, deps.atomic);
  const out: Partial<Registries> = {};
  for (const name of Object.keys(deps.registries) as (keyof Registries)[]) {
    if (!deps.registries[name]) continue; // an optional registry the worker was not given
    (out as Record<string, unknown>)[name] = wrapped[name];
  }
  return out as R;
}

export function accessContext(
  agency: AgencyId,
  request: ServiceRequest,
  extra: { fields?: readonly string[]; operationKey?: string } = {},
): AccessContext {
  const a = request.access;
  return {
    procedureId: a.procedureId,
    procedureVersion: a.procedureVersion,
    caseId: a.caseId,
    agency,
    purpose: a.purpose,
    legalBasis: a.legalBasis,
    actor: a.actor,
    ...(a.decidedBy ? { decidedBy: a.decidedBy } : {}),
    ...extra,
  };
}

/**
 * Domain errors (with a stable `code`) become ApplicationFailures of that type. Which are final is the agency's
 * declaration (agencies/<id>.ts `nonRetryable`, applied by worker/agency-modules.ts); other errors stay retryable.
 */
export function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  const code = (err as { code?: unknown })?.code;
  if (err instanceof Error && typeof code === 'string') {
    return ApplicationFailure.create({ type: code, message: err.message, cause: err });
  }
  return err;
}

/** Runs an activity body, mapping its errors. */
export async function run<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toFailure(err);
  }
}

export class InvalidServiceInputError extends Error {
  readonly code = 'INVALID_SERVICE_INPUT';
}

/** The person is not entitled to the benefit asked for (any agency's benefit). */
export class NotEntitledError extends Error {
  readonly code = 'NOT_ENTITLED';
}

export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidServiceInputError(`"${name}" is required`);
  return value;
}

/** A registry an optional service of the agency needs was not given to its worker (see docs/agencies.md). */
export class RegistryNotConfiguredError extends Error {
  readonly code = 'REGISTRY_NOT_CONFIGURED';
  constructor(agency: AgencyId, name: string) {
    super(`The ${agency} worker was started without the ${name} registry this service needs`);
  }
}

export function requireRegistry<T>(registry: T | undefined, agency: AgencyId, name: string): T {
  if (!registry) throw new RegistryNotConfiguredError(agency, name);
  return registry;
}
