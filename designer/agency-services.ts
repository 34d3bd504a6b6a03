/**
 * Which activities each agency's worker registers. Derived from the real factories through
 * `loadAgencyActivities` with inert registries and audit sink: the factories only build closures at construction
 * (no I/O), so the key set is exactly what a running worker would register.
 */
import type { AgencyId, AuditSink, Registries } from '../activities/registries/types';
import { loadAgencyActivities } from '../worker/agency-modules';

/** Every agency (the Record type makes the compiler flag a new AgencyId missing here). */
const AGENCIES: Record<AgencyId, true> = { justice: true, police: true, vss: true };
export const ALL_AGENCIES = Object.keys(AGENCIES) as AgencyId[];

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

/** Every registry an agency module may ask for; a new one missing here fails loudly (MissingRegistriesError). */
const REGISTRY_NAMES = ['population', 'civilStatus', 'residence', 'socialInsurance', 'judicialRecords'];
const inertRegistries = Object.fromEntries(REGISTRY_NAMES.map((n) => [n, inert(n)])) as unknown as Registries;
const inertAudit: AuditSink = inert('audit');

let cached: Promise<AgencyServices> | null = null;

/** Activity names registered by each agency's worker. */
export function loadAgencyServices(): Promise<AgencyServices> {
  cached ??= (async () => {
    const out = new Map<string, ReadonlySet<string>>();
    for (const agency of ALL_AGENCIES) {
      const activities = await loadAgencyActivities(agency, {
        registries: inertRegistries,
        audit: inertAudit,
        clock: () => new Date(0),
      });
      out.set(agency, new Set(Object.keys(activities)));
    }
    return out;
  })();
  return cached;
}
