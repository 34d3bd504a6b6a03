/**
 * Deny by default: every route declares who may call it, and one middleware authenticates the bearer token and
 * applies the matched route's policy before any handler runs. A route without a policy is refused to everyone
 * (403 ROUTE_POLICY_MISSING), so a new route is closed until its author says who it is for.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { principalFromClaims, InvalidClaimsError, type Principal, type StaffRole } from '../../identity/claims';
import { bearerToken, TokenError, type TokenVerifier } from '../../identity/token-verifier';
import { RoleRequiredError, RoutePolicyMissingError, UnauthenticatedError } from '../errors';

/** Who may call a route: `public` (no token), or principals by kind (citizen, officer) and staff role. */
export type Audience = 'citizen' | 'officer' | StaffRole;
export type RoutePolicy = { public: true } | { allow: readonly Audience[] };

export const PUBLIC: RoutePolicy = { public: true };
export const allow = (...audiences: Audience[]): RoutePolicy => ({ allow: audiences });

export function admits(policy: RoutePolicy, p: Principal): boolean {
  if ('public' in policy) return true;
  if (p.kind === 'staff') return p.roles.some((r) => policy.allow.includes(r));
  return policy.allow.includes(p.kind);
}

/** `/cases/{caseId}` (OpenAPI) and `/cases/:caseId` (Hono) name the same route. */
const honoPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

export class RoutePolicies {
  private readonly exact = new Map<string, RoutePolicy>();
  private readonly prefixes: { prefix: string; policy: RoutePolicy }[] = [];

  declare(method: string, path: string, policy: RoutePolicy): void {
    this.exact.set(`${method.toUpperCase()} ${honoPath(path)}`, policy);
  }

  /** Every route under `prefix` (e.g. a mounted sub-app such as /ops) shares one policy. */
  declarePrefix(prefix: string, policy: RoutePolicy): void {
    this.prefixes.push({ prefix: prefix.endsWith('/') ? prefix : `${prefix}/`, policy });
  }

  find(method: string, path: string): RoutePolicy | undefined {
    const exact = this.exact.get(`${method.toUpperCase()} ${honoPath(path)}`);
    if (exact) return exact;
    return this.prefixes.find((p) => path.startsWith(p.prefix))?.policy;
  }
}

export type AuthVariables = { principal: Principal };

/** The principal the middleware verified; only routes whose policy is not public have one. */
export function principalOf(c: Context): Principal {
  const p = c.get('principal') as Principal | undefined;
  if (!p) throw new UnauthenticatedError('TOKEN_MISSING', 'A bearer token is required (Authorization: Bearer <token>).');
  return p;
}

/** Verifies the bearer token and builds the principal; token and claim failures are 401 with their own code. */
export async function authenticate(verify: TokenVerifier, authorization: string | undefined): Promise<Principal> {
  try {
    const verified = await verify(bearerToken(authorization));
    return principalFromClaims(verified.claims as Record<string, unknown>, verified.issuer);
  } catch (err) {
    if (err instanceof TokenError || err instanceof InvalidClaimsError) throw new UnauthenticatedError(err.code, err.message);
    throw err;
  }
}

export function authorizeRoutes(policies: RoutePolicies, verify: TokenVerifier): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (c, next) => {
    const route = matchedRoutes(c).findLast((r) => r.handler !== middleware && r.method !== 'ALL');
    if (!route) return next(); // no route: the not-found handler answers
    const policy = policies.find(route.method, route.path);
    if (!policy) throw new RoutePolicyMissingError(route.method, route.path);
    if ('public' in policy) {
      // No token needed; a valid one still names the caller (its own rate-limit bucket), an invalid one is ignored.
      const authorization = c.req.header('authorization');
      if (authorization) c.set('principal', await authenticate(verify, authorization).catch(() => undefined));
      return next();
    }
    const principal = await authenticate(verify, c.req.header('authorization'));
    if (!admits(policy, principal)) throw new RoleRequiredError(policy.allow);
    c.set('principal', principal);
    return next();
  };
  return middleware;
}
