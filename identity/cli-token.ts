/**
 * How the operator and designer CLIs know who runs them: a bearer token (`--token` or an env var) verified like the
 * API verifies it — against AUTH_CONFIG's issuers, else the local development identity provider's keys in
 * IDENTITY_DIR (.data/identity) — naming a staff member with the role the command needs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readAuthConfig } from './auth-config';
import { API_AUDIENCE, hasRole, principalFromClaims, principalLabel, type StaffPrincipal, type StaffRole } from './claims';
import { DEV_IDENTITY_DIR, DEV_ISSUER } from './dev-identity-provider';
import { createTokenVerifier, type TokenVerifier } from './token-verifier';

export class CliIdentityError extends Error {
  constructor(
    readonly code: 'TOKEN_REQUIRED' | 'ROLE_REQUIRED' | 'AUTH_NOT_CONFIGURED',
    message: string,
  ) {
    super(message);
  }
}

/** The verifier a CLI uses, from its environment (entry points pass process.env). */
export function cliTokenVerifier(env: Record<string, string | undefined>): TokenVerifier {
  if (env.AUTH_CONFIG) {
    const config = readAuthConfig(env.AUTH_CONFIG);
    return createTokenVerifier({ audience: config.audience, issuers: config.issuers, clockToleranceSeconds: config.clockToleranceSeconds });
  }
  const jwksFile = join(env.IDENTITY_DIR || DEV_IDENTITY_DIR, 'jwks.json');
  if (!existsSync(jwksFile)) {
    throw new CliIdentityError('AUTH_NOT_CONFIGURED', `No identity provider: set AUTH_CONFIG, or run \`npm start\` once (it writes ${jwksFile}).`);
  }
  return createTokenVerifier({ audience: API_AUDIENCE, issuers: [{ issuer: DEV_ISSUER, jwksFile, accepts: ['citizen', 'officer', 'staff'] }] });
}

/** The staff member a token names, who must hold `role`; token failures keep their stable code (TOKEN_EXPIRED…). */
export async function staffFromToken(token: string | undefined, role: StaffRole, verify: TokenVerifier, tokenSource: string): Promise<StaffPrincipal> {
  if (!token) throw new CliIdentityError('TOKEN_REQUIRED', `A token is required: ${tokenSource} (get one with \`npm run -s token -- --as ${role}:<your id>\`).`);
  const verified = await verify(token);
  const principal = principalFromClaims(verified.claims as Record<string, unknown>, verified.issuer);
  if (!hasRole(principal, role)) throw new CliIdentityError('ROLE_REQUIRED', `${principalLabel(principal)} does not have the ${role} role.`);
  return principal as StaffPrincipal;
}

/** Loopback addresses: the local devserver, reached without TLS. */
export function isLoopbackAddress(address: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(address);
}

/**
 * The env for the CLI's Temporal connection: the token doubles as its credential unless TEMPORAL_API_KEY is set
 * (staff tokens carry Temporal's `permissions`); the local devserver is reached without TLS.
 */
export function temporalEnvWithToken(env: Record<string, string | undefined>, token: string | undefined): Record<string, string | undefined> {
  if (!token || env.TEMPORAL_API_KEY) return env;
  const local = isLoopbackAddress(env.TEMPORAL_ADDRESS || '127.0.0.1:7233');
  return { ...(local ? { TEMPORAL_TLS: 'false' } : {}), ...env, TEMPORAL_API_KEY: token };
}
