/**
 * Guards every answer of the API shares: per-principal rate limits (429 with Retry-After), CORS limited to the
 * console's origins, security headers and no caching of answers that may hold personal data.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { principalLabel, type Principal } from '../identity/claims';
import { RateLimitedError } from './errors';

export interface RateLimitOptions {
  /** Sustained requests per minute per principal (or per client address for public routes). */
  perMinute: number;
  /** Requests allowed at once before the sustained rate applies (default: perMinute / 2, at least 10). */
  burst?: number;
  /** Injected clock in ms. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by key; full buckets are dropped when the table grows, so memory stays bounded. */
export function createRateLimiter(opts: RateLimitOptions) {
  const now = opts.now ?? Date.now;
  const capacity = opts.burst ?? Math.max(10, Math.floor(opts.perMinute / 2));
  const perMs = opts.perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  return {
    /** Takes one request; returns the seconds to wait when there is none left. */
    take(key: string): number | null {
      const t = now();
      const b = buckets.get(key) ?? { tokens: capacity, at: t };
      b.tokens = Math.min(capacity, b.tokens + (t - b.at) * perMs);
      b.at = t;
      if (buckets.size > 50_000) for (const [k, v] of buckets) if (v.tokens >= capacity) buckets.delete(k);
      if (b.tokens < 1) {
        buckets.set(key, b);
        return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
      }
      b.tokens -= 1;
      buckets.set(key, b);
      return null;
    },
  };
}

/** Runs after authentication: the key is the principal, else the client's address. */
export function rateLimit(opts: RateLimitOptions, clientAddress: (c: Parameters<MiddlewareHandler>[0]) => string): MiddlewareHandler {
  const limiter = createRateLimiter(opts);
  return async (c, next) => {
    const principal = c.get('principal') as Principal | undefined;
    const wait = limiter.take(principal ? principalLabel(principal) : `addr:${clientAddress(c)}`);
    if (wait !== null) {
      c.header('Retry-After', String(wait));
      throw new RateLimitedError(wait);
    }
    await next();
  };
}

/** Security headers for JSON and the server-rendered pages (no inline scripts or styles anywhere). */
export function securityHeaders(): MiddlewareHandler {
  const headers = secureHeaders({
    // The console's pages (web/) load their styles, script, fonts and images from /assets; nothing inline.
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      scriptSrc: ["'self'"],
      fontSrc: ["'self'"],
      imgSrc: ["'self'"],
      manifestSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    strictTransportSecurity: 'max-age=31536000; includeSubDomains',
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: 'same-origin',
  });
  return async (c, next) => {
    await headers(c, next);
    // Static assets say how long they keep (web/assets.ts); everything else may hold personal data.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  };
}

/** CORS for the console's origins only; with none configured, no cross-origin access at all. */
export function consoleCors(origins: readonly string[]): MiddlewareHandler {
  return cors({
    origin: (origin) => (origins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    // X-Namespace: the Temporal UI's codec-server calls (api/codec-routes.ts).
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Namespace'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  });
}
