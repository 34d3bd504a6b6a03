/**
 * The API's identity configuration in production: which issuers it trusts (the national identity provider for
 * citizens, each agency's SSO for its officers, the platform's SSO for staff), its audience, clock skew, the
 * console's origins and the rate limit. A JSON file (AUTH_CONFIG), validated strictly: an unknown field is an error.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AGENCY_IDS } from '../agencies/index';
import { API_AUDIENCE } from './claims';
import { MAX_CLOCK_TOLERANCE_SECONDS, type TrustedIssuer } from './token-verifier';

const issuerSchema = z
  .object({
    issuer: z.string().min(1),
    jwksUrl: z.url().optional(),
    jwksFile: z.string().min(1).optional(),
    accepts: z.array(z.enum(['citizen', 'officer', 'staff'])).min(1),
    agency: z.enum(AGENCY_IDS as [string, ...string[]]).optional(),
    personalIdClaim: z.string().min(1).optional(),
  })
  .strict()
  .refine((i) => (i.jwksUrl ? 1 : 0) + (i.jwksFile ? 1 : 0) === 1, 'give exactly one of jwksUrl, jwksFile')
  .refine((i) => !i.accepts.includes('officer') || i.agency !== undefined || i.accepts.length === 1, 'an issuer of officers and others must name its agency');

export const authConfigSchema = z
  .object({
    audience: z.string().min(1).default(API_AUDIENCE),
    clockToleranceSeconds: z.number().int().min(0).max(MAX_CLOCK_TOLERANCE_SECONDS).default(30),
    corsOrigins: z.array(z.url()).default([]),
    rateLimitPerMinute: z.number().int().positive().default(600),
    issuers: z.array(issuerSchema).min(1),
    /**
     * The web console's sign-in: the identity provider (or the broker in front of it) that authenticates a browser
     * sent to `signInUrl?return_to=…&state=…&lang=…` and posts `token` and `state` back to `return_to` (form_post).
     */
    console: z.object({ signInUrl: z.url() }).strict().optional(),
  })
  .strict();

export type AuthConfig = z.infer<typeof authConfigSchema> & { issuers: TrustedIssuer[] };

export class InvalidAuthConfigError extends Error {
  readonly code = 'INVALID_AUTH_CONFIG';
}

export function readAuthConfig(path: string): AuthConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InvalidAuthConfigError(`AUTH_CONFIG ${path}: ${(e as Error).message}`);
  }
  const parsed = authConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidAuthConfigError(`AUTH_CONFIG ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data as AuthConfig;
}
