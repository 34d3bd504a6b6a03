/**
 * The API's security options from its configuration: the issuers of AUTH_CONFIG in production, or the local
 * development identity provider (`npm start`), which the API then also serves (JWKS, login page).
 */
import { API_AUDIENCE } from '../identity/claims';
import { readAuthConfig } from '../identity/auth-config';
import type { DevIdentityProvider } from '../identity/dev-identity-provider';
import { createTokenVerifier } from '../identity/token-verifier';
import type { ApiSecurityOptions } from './app';

export class AuthNotConfiguredError extends Error {
  readonly code = 'AUTH_NOT_CONFIGURED';
  constructor() {
    super('No identity provider: set AUTH_CONFIG to the issuers file (docs/identity.md), or run `npm start` for the local one.');
  }
}

export function apiSecurity(opts: { authConfigPath?: string; devIdentityProvider?: DevIdentityProvider; corsOrigins?: string[] }): ApiSecurityOptions {
  if (opts.authConfigPath) {
    const config = readAuthConfig(opts.authConfigPath);
    return {
      verify: createTokenVerifier({ audience: config.audience, issuers: config.issuers, clockToleranceSeconds: config.clockToleranceSeconds }),
      corsOrigins: [...config.corsOrigins, ...(opts.corsOrigins ?? [])],
      rateLimit: { perMinute: config.rateLimitPerMinute },
      consoleSignInUrl: config.console?.signInUrl,
    };
  }
  const idp = opts.devIdentityProvider;
  if (!idp) throw new AuthNotConfiguredError();
  return {
    verify: createTokenVerifier({ audience: API_AUDIENCE, issuers: [idp.trustedIssuer] }),
    devIdentityProvider: idp,
    corsOrigins: opts.corsOrigins ?? [],
  };
}
