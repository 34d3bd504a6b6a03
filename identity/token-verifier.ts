/**
 * Verifies bearer tokens (JWT, as OpenID Connect providers issue them) with `jose`: signature against the issuer's
 * keys (a JWKS URL, a JWKS file, or keys in memory), issuer, audience, expiry and not-before with a bounded clock
 * skew, an algorithm allow-list (never `none`, never HMAC with a public key). Each failure has its own stable code.
 */
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { IssuerScope } from './claims';

export const TOKEN_ERROR_CODES = [
  'TOKEN_MISSING',
  'TOKEN_MALFORMED',
  'TOKEN_EXPIRED',
  'TOKEN_NOT_YET_VALID',
  'TOKEN_WRONG_AUDIENCE',
  'TOKEN_WRONG_ISSUER',
  'TOKEN_ALGORITHM_NOT_ALLOWED',
  'TOKEN_UNKNOWN_KEY',
  'TOKEN_INVALID_SIGNATURE',
  'TOKEN_CLAIMS_INVALID',
] as const;
export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[number];

/** A token that proves nothing: the HTTP API answers 401 with `code`, the devserver UNAUTHENTICATED. */
export class TokenError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/** Asymmetric algorithms only: a verifier holding public keys must never accept HMAC or `none`. */
export const ALLOWED_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];
/** The largest clock skew a deployment may configure, in seconds. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;

export interface TrustedIssuer extends IssuerScope {
  issuer: string;
  /** One of: the issuer's JWKS endpoint, a JWKS file, or the keys themselves. */
  jwksUrl?: string;
  jwksFile?: string;
  jwks?: JSONWebKeySet;
}

export interface VerifierConfig {
  /** The audience this service accepts (its client id at the providers). */
  audience: string;
  issuers: TrustedIssuer[];
  /** Allowed clock skew in seconds (default 30, at most MAX_CLOCK_TOLERANCE_SECONDS). */
  clockToleranceSeconds?: number;
  /** Injected clock (tests); defaults to the system time. */
  now?: () => Date;
  /**
   * How long a verified token is remembered, in seconds (default 60; 0: verify the signature on every request).
   * A client sends the same token with every request until it expires: the signature check (ECDSA/RSA) was the
   * largest single cost of a small API request. Expiry is still checked on every use; a key withdrawn from the
   * issuer's JWKS stops its tokens within this time.
   */
  verifiedCacheSeconds?: number;
  /** At most this many verified tokens are remembered (default 10,000; the oldest goes first). */
  verifiedCacheSize?: number;
}

export interface VerifiedToken {
  issuer: TrustedIssuer;
  claims: JWTPayload;
}

export type TokenVerifier = (token: string | undefined) => Promise<VerifiedToken>;

function keySetOf(issuer: TrustedIssuer): JWTVerifyGetKey {
  if (issuer.jwks) return createLocalJWKSet(issuer.jwks);
  if (issuer.jwksFile) return createLocalJWKSet(JSON.parse(readFileSync(issuer.jwksFile, 'utf8')) as JSONWebKeySet);
  if (issuer.jwksUrl) return createRemoteJWKSet(new URL(issuer.jwksUrl));
  throw new Error(`issuer ${issuer.issuer}: give jwksUrl, jwksFile or jwks`);
}

function asTokenError(err: unknown): TokenError {
  if (err instanceof TokenError) return err;
  if (err instanceof joseErrors.JWTExpired) return new TokenError('TOKEN_EXPIRED', 'The token has expired.');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return new TokenError('TOKEN_NOT_YET_VALID', 'The token is not valid yet (nbf).');
    if (err.claim === 'aud') return new TokenError('TOKEN_WRONG_AUDIENCE', 'The token was issued for another audience.');
    if (err.claim === 'iss') return new TokenError('TOKEN_WRONG_ISSUER', 'The token comes from an issuer this service does not trust.');
    return new TokenError('TOKEN_CLAIMS_INVALID', `Token claim "${err.claim}" is invalid: ${err.reason}.`);
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) {
    return new TokenError('TOKEN_ALGORITHM_NOT_ALLOWED', `Token algorithm not allowed (allowed: ${ALLOWED_ALGORITHMS.join(', ')}).`);
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey) return new TokenError('TOKEN_UNKNOWN_KEY', 'No key of the issuer matches the token (kid).');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new TokenError('TOKEN_INVALID_SIGNATURE', 'The token signature is invalid.');
  if (err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JWSInvalid) return new TokenError('TOKEN_MALFORMED', 'The token is not a well-formed JWT.');
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) {
    // The issuer's keys could not be had: the token cannot be trusted (logged by the caller's error handler as 401).
    return new TokenError('TOKEN_UNKNOWN_KEY', `The issuer's keys could not be loaded: ${(err as Error).message}`);
  }
  return new TokenError('TOKEN_MALFORMED', `The token could not be verified: ${(err as Error)?.message ?? String(err)}`);
}

/** Verified tokens, remembered for a short time: the claims were checked once, the time claims are checked again on each use. */
function verifiedTokenCache(opts: { seconds: number; size: number; tolerance: number; now: () => number }) {
  const entries = new Map<string, { verified: VerifiedToken; until: number }>();
  return {
    get(token: string): VerifiedToken | undefined {
      const hit = entries.get(token);
      if (!hit) return undefined;
      const now = opts.now();
      const { exp, nbf } = hit.verified.claims;
      if (now >= hit.until) {
        entries.delete(token);
        return undefined;
      }
      if (exp !== undefined && now / 1000 >= exp + opts.tolerance) {
        entries.delete(token);
        throw new TokenError('TOKEN_EXPIRED', 'The token has expired.');
      }
      if (nbf !== undefined && now / 1000 < nbf - opts.tolerance) throw new TokenError('TOKEN_NOT_YET_VALID', 'The token is not valid yet (nbf).');
      return hit.verified;
    },
    set(token: string, verified: VerifiedToken): void {
      if (opts.seconds <= 0 || opts.size <= 0) return;
      if (entries.size >= opts.size) entries.delete(entries.keys().next().value!);
      entries.set(token, { verified, until: opts.now() + opts.seconds * 1000 });
    },
  };
}

export function createTokenVerifier(config: VerifierConfig): TokenVerifier {
  const tolerance = Math.min(Math.max(config.clockToleranceSeconds ?? 30, 0), MAX_CLOCK_TOLERANCE_SECONDS);
  const byIssuer = new Map(config.issuers.map((i) => [i.issuer, { issuer: i, keys: keySetOf(i) }]));
  const cache = verifiedTokenCache({
    seconds: config.verifiedCacheSeconds ?? 60,
    size: config.verifiedCacheSize ?? 10_000,
    tolerance,
    now: () => (config.now ? config.now() : new Date()).getTime(),
  });
  return async (token) => {
    if (!token) throw new TokenError('TOKEN_MISSING', 'A bearer token is required (Authorization: Bearer <token>).');
    const known = cache.get(token);
    if (known) return known;
    try {
      const header = decodeProtectedHeader(token);
      if (!header.alg || !ALLOWED_ALGORITHMS.includes(header.alg)) {
        throw new TokenError('TOKEN_ALGORITHM_NOT_ALLOWED', `Token algorithm "${header.alg ?? ''}" is not allowed.`);
      }
      const iss = decodeJwt(token).iss;
      const trusted = iss === undefined ? undefined : byIssuer.get(iss);
      if (!trusted) throw new TokenError('TOKEN_WRONG_ISSUER', 'The token comes from an issuer this service does not trust.');
      const { payload } = await jwtVerify(token, trusted.keys, {
        issuer: trusted.issuer.issuer,
        audience: config.audience,
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: tolerance,
        requiredClaims: ['exp', 'sub'],
        ...(config.now ? { currentDate: config.now() } : {}),
      });
      const verified = { issuer: trusted.issuer, claims: payload };
      cache.set(token, verified);
      return verified;
    } catch (err) {
      throw asTokenError(err);
    }
  };
}

/** The bearer token of an `Authorization` header value, or undefined. */
export function bearerToken(header: string | undefined | null): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : undefined;
}
