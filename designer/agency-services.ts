/**
 * Which activities each agency's worker registers. Derived from the real factories through
 * `loadAgencyActivities` with inert registries and audit sink: the factories only build closures at construction
 * (no I/O), so the key set is exactly what a running worker would register.
 */
import type { AgencyId, AuditSink, Registries } from '../domain/registries';
import { loadAgencyActivities } from '../worker/agency-modules';
import { WORKER_ROLES } from '../worker/agency-worker';

/** The agencies that have a worker (the worker roles besides the engine): a service of any other has no one to run it. */
export const ALL_AGENCIES = WORKER_ROLES.filter((r): r is AgencyId => r !== 'engine');

export type AgencyServices = ReadonlyMap<string, ReadonlySet<string>>;

const inertAudit: AuditSink = inert('audit');

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

/** Registries known to agency modules; one added later is learnt from the module's MissingRegistriesError. */
const KNOWN_REGISTRIES = ['population', 'civilStatus', 'residence', 'socialInsurance', 'judicialRecords'];
const inertRegistries = (names: Iterable<string>) => Object.fromEntries([...names].map((n) => [n, inert(n)])) as unknown as Registries;

async function activityNamesOf(agency: AgencyId): Promise<Set<string>> {
  const names = new Set(KNOWN_REGISTRIES);
  for (let attempt = 0; ; attempt++) {
    try {
      const activities = await loadAgencyActivities(agency, { registries: inertRegistries(names), audit: inertAudit, clock: () => new Date(0) });
      return new Set(Object.keys(activities));
    } catch (err) {
      const missing = (err as { code?: string }).code === 'MISSING_REGISTRIES' ? /needs the (.+) registries/.exec((err as Error).message) : null;
      if (!missing || attempt >= 3) throw err;
      for (const n of missing[1].split(', ')) names.add(n);
    }
  }
}

let cached: Promise<AgencyServices> | null = null;

/** Activity names registered by each agency's worker. */
export function loadAgencyServices(): Promise<AgencyServices> {
  cached ??= (async () => {
    const out = new Map<string, ReadonlySet<string>>();
    for (const agency of ALL_AGENCIES) out.set(agency, await activityNamesOf(agency));
    return out;
  })();
  return cached;
}
