/**
 * The procedure catalog: id → versions → definition. A case fixes its procedure id and version when it starts,
 * so old versions stay here as long as cases may run on them. Sandbox-safe.
 */
import type { ProcedureDefinition } from './types';
import { birthGroupV1, birthGroupV2Draft, birthGroupV3 } from './birth-group/procedure';
import { birthRegistrationV1, birthRegistrationV2 } from './birth-registration/procedure';
import { permanentResidenceV1, permanentResidenceV2 } from './permanent-residence/procedure';
import { healthInsuranceCardV1 } from './health-insurance-card/procedure';
import { deathGroupV1, deathGroupV2 } from './death-group/procedure';
import { marriageRegistrationV1, marriageRegistrationV2 } from './marriage-registration/procedure';
import { judicialRecordCertificateV1, judicialRecordCertificateV2 } from './judicial-record-certificate/procedure';
import { householdBusinessTaxV1, householdBusinessTaxV2 } from './household-business-tax-registration/procedure';
import { unemploymentBenefitV1, unemploymentBenefitV2 } from './unemployment-benefit/procedure';

export class UnknownProcedureError extends Error {
  readonly code = 'UNKNOWN_PROCEDURE';
  constructor(id: string, version?: number) {
    super(version === undefined ? `Unknown procedure "${id}"` : `Unknown procedure "${id}" version ${version}`);
  }
}

export type Catalog = ReadonlyMap<string, ReadonlyMap<number, ProcedureDefinition>>;

export function createCatalog(definitions: readonly ProcedureDefinition[]): Catalog {
  const catalog = new Map<string, Map<number, ProcedureDefinition>>();
  for (const d of definitions) {
    const versions = catalog.get(d.id) ?? new Map<number, ProcedureDefinition>();
    if (versions.has(d.version)) throw new Error(`Duplicate procedure ${d.id} v${d.version}`);
    versions.set(d.version, d);
    catalog.set(d.id, versions);
  }
  return catalog;
}

export const CATALOG: Catalog = createCatalog([
  birthGroupV1,
  birthGroupV2Draft,
  birthGroupV3,
  birthRegistrationV1,
  birthRegistrationV2,
  permanentResidenceV1,
  permanentResidenceV2,
  healthInsuranceCardV1,
  deathGroupV1,
  deathGroupV2,
  marriageRegistrationV1,
  marriageRegistrationV2,
  judicialRecordCertificateV1,
  judicialRecordCertificateV2,
  householdBusinessTaxV1,
  householdBusinessTaxV2,
  unemploymentBenefitV1,
  unemploymentBenefitV2,
]);

const isActive = (d: ProcedureDefinition) => (d.status ?? 'active') === 'active';

/** The definition of `id` at `version` (any status), or its newest active version. */
export function getProcedure(id: string, version?: number, catalog: Catalog = CATALOG): ProcedureDefinition {
  const versions = catalog.get(id);
  if (!versions) throw new UnknownProcedureError(id, version);
  if (version !== undefined) {
    const d = versions.get(version);
    if (!d) throw new UnknownProcedureError(id, version);
    return d;
  }
  const active = [...versions.values()].filter(isActive).sort((a, b) => b.version - a.version);
  if (active.length === 0) throw new UnknownProcedureError(id);
  return active[0];
}

export function listProcedures(
  catalog: Catalog = CATALOG,
): { id: string; versions: number[]; current: number | null; drafts: number[]; title: string }[] {
  return [...catalog.entries()].map(([id, versions]) => {
    const all = [...versions.values()].sort((a, b) => a.version - b.version);
    const active = all.filter(isActive);
    const current = active.length > 0 ? active[active.length - 1] : null;
    return {
      id,
      versions: all.map((d) => d.version),
      current: current?.version ?? null,
      drafts: all.filter((d) => !isActive(d)).map((d) => d.version),
      title: (current ?? all[all.length - 1]).title,
    };
  });
}
