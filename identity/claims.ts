/**
 * The claims our tokens carry and the principals they name. One module for the API, the devserver, the CLIs and the
 * local development identity provider, so every side reads a token the same way (docs/identity.md).
 */
import type { AgencyId } from '../domain/registries';
import { isAgencyId } from '../agencies/index';

export const STAFF_ROLES = ['operator', 'designer', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type PrincipalKind = 'citizen' | 'officer' | 'staff';

/** A citizen, identified by the national identity provider (VNeID): their 12-digit personal ID number. */
export interface CitizenPrincipal {
  kind: 'citizen';
  personalId: string;
}

/** An agency's officer: agency, staff id and the jurisdiction they work in (province code, optionally a commune). */
export interface OfficerPrincipal {
  kind: 'officer';
  id: string;
  agency: AgencyId;
  /** `province: '*'` is a national jurisdiction (a ministry's officer). */
  jurisdiction: { province: string; commune?: string };
}

/** Operators, procedure designers and auditors: staff of the platform with roles. */
export interface StaffPrincipal {
  kind: 'staff';
  id: string;
  roles: StaffRole[];
}

export type Principal = CitizenPrincipal | OfficerPrincipal | StaffPrincipal;

/** Audience of tokens for the HTTP API, and of tokens for the Temporal frontend (devserver). */
export const API_AUDIENCE = 'once-only-api';
export const TEMPORAL_AUDIENCE = 'temporal';

/** "officer:justice:tp-01", "citizen:036196023456", "staff:op-01": how a principal is written in logs and audit rows. */
export function principalLabel(p: Principal): string {
  if (p.kind === 'citizen') return `citizen:${p.personalId}`;
  if (p.kind === 'officer') return `officer:${p.agency}:${p.id}`;
  return `staff:${p.id}`;
}

export function hasRole(p: Principal, role: StaffRole): boolean {
  return p.kind === 'staff' && p.roles.includes(role);
}

/** Why a set of claims names no valid principal (the caller answers 401 TOKEN_CLAIMS_INVALID). */
export class InvalidClaimsError extends Error {
  readonly code = 'TOKEN_CLAIMS_INVALID';
}

const PERSONAL_ID = /^\d{12}$/;
const STAFF_ID = /^[A-Za-z0-9._@-]{1,100}$/;

/**
 * What an issuer may vouch for: the national identity provider only citizens, an agency's SSO only officers of that
 * agency (its `agency` overrides nothing: a token naming another agency is refused), the platform's SSO staff.
 */
export interface IssuerScope {
  accepts: readonly PrincipalKind[];
  agency?: AgencyId;
  /** Claim holding a citizen's personal ID (default `personal_id`, else `sub`). */
  personalIdClaim?: string;
}

/** Reads a principal from verified claims, within what their issuer may vouch for. */
export function principalFromClaims(claims: Record<string, unknown>, scope: IssuerScope): Principal {
  const declared = claims.kind ?? (scope.accepts.length === 1 ? scope.accepts[0] : undefined);
  if (typeof declared !== 'string' || !(scope.accepts as readonly string[]).includes(declared)) {
    throw new InvalidClaimsError(`this issuer does not vouch for principals of kind "${String(declared)}"`);
  }
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  if (declared === 'citizen') {
    const personalId = claims[scope.personalIdClaim ?? 'personal_id'] ?? sub;
    if (typeof personalId !== 'string' || !PERSONAL_ID.test(personalId)) throw new InvalidClaimsError('a citizen token needs a 12-digit personal ID');
    return { kind: 'citizen', personalId };
  }
  if (!STAFF_ID.test(sub)) throw new InvalidClaimsError('the token has no valid subject (sub)');
  if (declared === 'officer') {
    const agency = claims.agency ?? scope.agency;
    if (!isAgencyId(agency)) throw new InvalidClaimsError('an officer token needs a known agency');
    if (scope.agency && agency !== scope.agency) throw new InvalidClaimsError(`this issuer vouches only for officers of ${scope.agency}`);
    const province = claims.province;
    const commune = claims.commune;
    if (typeof province !== 'string' || !/^(\d{2}|\*)$/.test(province)) throw new InvalidClaimsError('an officer token needs a jurisdiction: province (2 digits, or * for national)');
    if (commune !== undefined && (typeof commune !== 'string' || !/^\d{5}$/.test(commune))) throw new InvalidClaimsError('commune must be a 5-digit code');
    return { kind: 'officer', id: sub, agency, jurisdiction: { province, ...(commune ? { commune } : {}) } };
  }
  const roles = claims.roles;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => (STAFF_ROLES as readonly unknown[]).includes(r))) {
    throw new InvalidClaimsError(`a staff token needs roles among ${STAFF_ROLES.join(', ')}`);
  }
  return { kind: 'staff', id: sub, roles: [...new Set(roles as StaffRole[])] };
}

/** The claims that name a principal (inverse of principalFromClaims), for the development identity provider. */
export function claimsOf(p: Principal): Record<string, unknown> {
  if (p.kind === 'citizen') return { kind: 'citizen', sub: p.personalId, personal_id: p.personalId };
  if (p.kind === 'officer') {
    return { kind: 'officer', sub: p.id, agency: p.agency, province: p.jurisdiction.province, ...(p.jurisdiction.commune ? { commune: p.jurisdiction.commune } : {}) };
  }
  return { kind: 'staff', sub: p.id, roles: p.roles };
}
