/**
 * Which activities each agency's worker registers. Derived from the agency modules (agencies/index.ts): each
 * module's activity factory runs through `loadAgencyActivities` on inert stand-ins for the registries the module
 * declares and for the audit sink. The factories only build closures at construction (no I/O), so the key set is
 * exactly what a running worker would register.
 */
import type { AuditSink, Registries } from '../domain/registries';
import { AGENCIES } from '../agencies/index';
import type { AgencyModule } from '../agencies/agency-module';
import { loadAgencyActivities } from '../worker/agency-modules';

export type AgencyServices = ReadonlyMap<string, ReadonlySet<string>>;

class InertDependencyError extends Error {
  readonly code = 'INERT_DEPENDENCY';
  constructor(what: string) {
    super(`${what} was called while listing activities: the factories must not do I/O at construction`);
  }
}

function inert(name: string): any {
  return new Proxy(
    {},
    {
      get: (_t, prop) =>
        prop === 'then'
          ? undefined
          : () => {
              throw new InertDependencyError(`${name}.${String(prop)}`);
            },
    },
  );
}

/** The activities the worker of `agency` registers, in the order its factory declares them. */
export async function agencyActivityNames(agency: AgencyModule): Promise<string[]> {
  const names = [...Object.keys(agency.registries.required), ...Object.keys(agency.registries.optional)];
  const registries = Object.fromEntries(names.map((n) => [n, inert(n)])) as unknown as Partial<Registries>;
  const activities = await loadAgencyActivities(agency, { registries, audit: inert('audit') as AuditSink, clock: () => new Date(0) });
  return Object.keys(activities);
}

async function servicesOf(agencies: readonly AgencyModule[]): Promise<AgencyServices> {
  const out = new Map<string, ReadonlySet<string>>();
  for (const agency of agencies) out.set(agency.id, new Set(await agencyActivityNames(agency)));
  return out;
}

let cached: Promise<AgencyServices> | null = null;

/** Activity names registered by each agency's worker: of the agency list, or of `agencies` (e.g. with a test's fixture agency). */
export function loadAgencyServices(agencies?: readonly AgencyModule[]): Promise<AgencyServices> {
  if (agencies) return servicesOf(agencies);
  cached ??= servicesOf(AGENCIES);
  return cached;
}
