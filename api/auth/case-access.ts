/**
 * Per-case visibility: who may see (and so act on) one case. A citizen sees cases where they are the applicant or
 * a person the procedure names (whoever an event declares through `actorIdFrom`, the parties in the procedure's
 * `access` declaration, anyone who has acted on it); an officer sees cases with a step of their agency within
 * their jurisdiction; operators see every case. Anyone else gets 404, exactly as for a case that does not exist.
 */
import type { AgencyId } from '../../domain/registries';
import type { ProcedureDefinition } from '../../procedures/types';
import type { CaseSnapshot } from '../../workflows/definitions';
import { hasRole, type Principal } from '../../identity/claims';
import { getPath } from '../../domain/data-paths';

export interface CaseFacts {
  caseId: string;
  procedureId: string;
  agencies: readonly AgencyId[];
  /** Personal ID numbers of the applicant and the persons the case names. */
  parties: ReadonlySet<string>;
  /** Undefined parts: the case does not (yet) say. */
  jurisdiction: { province?: string; commune?: string };
}

/** While a case waits for the applicant's data its context is `{ input }`: paths are read in both shapes. */
function read(snapshot: CaseSnapshot, path: string): unknown {
  return getPath(snapshot.context, path) ?? getPath(snapshot.context, `input.${path}`);
}

const personalIds = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function caseFacts(def: ProcedureDefinition, snapshot: CaseSnapshot): CaseFacts {
  const parties = new Set<string>(personalIds(read(snapshot, 'application.applicant.personalId')));
  for (const e of def.events) if (e.actorIdFrom) for (const id of personalIds(read(snapshot, e.actorIdFrom))) parties.add(id);
  for (const path of def.access?.parties ?? []) for (const id of personalIds(read(snapshot, path))) parties.add(id);
  for (const h of snapshot.history ?? []) if (h.actor.startsWith('citizen:')) parties.add(h.actor.slice('citizen:'.length));
  const where = def.access?.jurisdiction;
  const text = (path: string | undefined) => {
    const v = path ? read(snapshot, path) : undefined;
    return typeof v === 'string' ? v : undefined;
  };
  return {
    caseId: snapshot.caseId,
    procedureId: def.id,
    agencies: def.agencies,
    parties,
    jurisdiction: { province: text(where?.province), commune: text(where?.commune) },
  };
}

/** An officer's jurisdiction covers the case: national, or the same province (and commune, for a commune officer). */
function withinJurisdiction(officer: { province: string; commune?: string }, where: CaseFacts['jurisdiction']): boolean {
  if (officer.province === '*') return true;
  if (where.province !== officer.province) return false;
  return officer.commune === undefined || where.commune === officer.commune;
}

export function canSeeCase(p: Principal, facts: CaseFacts): boolean {
  if (p.kind === 'citizen') return facts.parties.has(p.personalId);
  if (p.kind === 'officer') return facts.agencies.includes(p.agency) && withinJurisdiction(p.jurisdiction, facts.jurisdiction);
  return hasRole(p, 'operator');
}

/**
 * The same rule as a filter for lists (e.g. a case search): what a principal's visible cases have in common. Lists
 * must apply it in their query and still check `canSeeCase` for officers' jurisdiction when the list lacks it.
 */
export type CaseVisibilityFilter =
  | { all: true }
  | { none: true }
  | { partyPersonalId: string }
  | { agency: AgencyId; province: string; commune?: string };

export function caseVisibilityFilter(p: Principal): CaseVisibilityFilter {
  if (p.kind === 'citizen') return { partyPersonalId: p.personalId };
  if (p.kind === 'officer') return { agency: p.agency, ...p.jurisdiction };
  return hasRole(p, 'operator') ? { all: true } : { none: true };
}
