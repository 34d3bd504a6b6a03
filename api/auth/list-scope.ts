/**
 * Pins a read-model list's filters to the principal, after the route policy admitted them (api/app.ts): a citizen's
 * lists and log are their own; an officer's work queue, case search and indicators are their agency's, within their
 * jurisdiction (`*` = national); operators and auditors are not narrowed. A filter outside the principal's scope is
 * refused (403 with its code) rather than silently replaced, so a caller never mistakes an empty page for an answer.
 * Lists name no case the principal could not see, so nothing leaks whether one exists.
 */
import type { AgencyId } from '../../domain/registries';
import type { Principal } from '../../identity/claims';
import { AgencyNotPrincipalError, OutsideJurisdictionError, PersonNotPrincipalError } from '../errors';
import { caseVisibilityFilter } from './case-access';

/** A person's own list or log: the citizen themself; staff the route admitted see anyone's. */
export function requireSelfOrStaff(p: Principal, personalId: string): void {
  if (p.kind === 'citizen' && p.personalId !== personalId) throw new PersonNotPrincipalError();
}

/** An agency's own data: an officer of that agency; staff the route admitted see every agency's. */
export function requireOwnAgency(p: Principal, agency: string): void {
  if (p.kind === 'officer' && p.agency !== agency) throw new AgencyNotPrincipalError(agency);
}

export interface PlaceFilter {
  provinceCode?: string;
  communeCode?: string;
}

/** The officer's jurisdiction as filters: a narrower request is kept, a wider or different one refused. */
export function pinJurisdiction<T extends PlaceFilter>(p: Principal, q: T): T {
  if (p.kind !== 'officer' || p.jurisdiction.province === '*') return q;
  const { province, commune } = p.jurisdiction;
  const outside = (q.provinceCode !== undefined && q.provinceCode !== province) || (commune !== undefined && q.communeCode !== undefined && q.communeCode !== commune);
  if (outside) throw new OutsideJurisdictionError(p.jurisdiction);
  return { ...q, provinceCode: province, ...(commune !== undefined ? { communeCode: commune } : {}) };
}

/** A case search's scope (the per-case visibility rule as filters): officers their agency and jurisdiction. */
export function pinCaseSearch<T extends PlaceFilter>(p: Principal, q: T): T & { agency?: AgencyId } {
  if (p.kind !== 'officer') return q;
  const scope = caseVisibilityFilter(p) as { agency: AgencyId };
  return { ...pinJurisdiction(p, q), agency: scope.agency };
}

/** Indicators: officers see their agency's (a different `agency` filter is refused). */
export function pinKpiAgency<T extends { agency?: AgencyId }>(p: Principal, q: T): T {
  if (p.kind !== 'officer') return q;
  if (q.agency !== undefined) requireOwnAgency(p, q.agency);
  return { ...q, agency: p.agency };
}
