/**
 * The console's sign-in in production: AUTH_CONFIG names the identity provider (or its broker) in `console.signInUrl`;
 * the console sends the browser there with its full callback address and a fresh state, and opens a session only for
 * a token the configured issuers vouch for, posted back with that state. The local provider's pages are not served.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { createCaseService } from '../../api/case-service';
import { apiSecurity } from '../../api/security-config';
import { auditRegistries, createPostgresAuditSink, createPostgresRegistries } from '../../activities/registries';
import { FIXTURE_MOTHER } from '../../db/seed';
import { readAuthConfig } from '../../identity/auth-config';
import { DEV_ISSUER, openDevIdentityProvider, parsePrincipalSpec, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { openTestDatabase, type TestDatabase } from '../support/registry-helpers';

const SIGN_IN_URL = 'https://sso.example.gov.vn/authorize';
let db: TestDatabase;
let idp: DevIdentityProvider;
let app: ReturnType<typeof createApp>;
let configFile: string;

beforeAll(async () => {
  db = await openTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'console-sso-'));
  // The "national identity provider": keys this test holds, trusted through a JWKS file as production trusts one.
  idp = await openDevIdentityProvider({ dir });
  configFile = join(dir, 'auth.json');
  writeFileSync(configFile, JSON.stringify({ issuers: [{ issuer: DEV_ISSUER, jwksFile: idp.jwksFile, accepts: ['citizen'] }], console: { signInUrl: SIGN_IN_URL } }));
  const registries = auditRegistries(createPostgresRegistries(db.db), createPostgresAuditSink(db.db), () => new Date());
  // The client is never called by the sign-in pages; it connects lazily.
  const service = createCaseService({ client: new Client(), db: db.db, registries });
  app = createApp(service, { security: apiSecurity({ authConfigPath: configFile }), console: { db: db.db, now: () => new Date() } });
});
afterAll(async () => db?.close());

function cookiesOf(res: Response): string {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

describe('console sign-in through the configured identity provider', () => {
  it('sends the browser to the configured provider with its callback address and a state, and opens a session from the token posted back', async () => {
    const start = await app.request('http://console.example.gov.vn/sign-in?next=/my/data');
    expect(start.status).toBe(303);
    const location = new URL(start.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(SIGN_IN_URL);
    expect(location.searchParams.get('return_to')).toBe('http://console.example.gov.vn/sign-in/callback');
    const state = location.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(24);
    const stateCookie = cookiesOf(start);
    expect(stateCookie).toContain('console_sign_in=');

    const token = await idp.apiToken({ kind: 'citizen', personalId: FIXTURE_MOTHER.personalId });
    const back = await app.request('http://console.example.gov.vn/sign-in/callback', {
      method: 'POST',
      headers: { cookie: stateCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, state }).toString(),
    });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/my/data');
    const session = back.headers.getSetCookie().find((c) => c.startsWith('console_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
  });

  it('refuses a token the configured issuers do not vouch for, and a callback without its state', async () => {
    const start = await app.request('http://console.example.gov.vn/sign-in');
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    // An officer token: this issuer is trusted for citizens only.
    const officer = await idp.apiToken(parsePrincipalSpec('officer:justice:tp-01'));
    const refused = await app.request('http://console.example.gov.vn/sign-in/callback', {
      method: 'POST',
      headers: { cookie: cookiesOf(start), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: officer, state }).toString(),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.getSetCookie().some((c) => c.startsWith('console_session=ey'))).toBe(false);
    const citizen = await idp.apiToken({ kind: 'citizen', personalId: FIXTURE_MOTHER.personalId });
    const noState = await app.request('http://console.example.gov.vn/sign-in/callback', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: citizen, state }).toString(),
    });
    expect(noState.status).toBe(400);
  });

  it('serves no local login page in production, and refuses an unknown console setting', async () => {
    expect((await app.request('http://console.example.gov.vn/auth/login')).status).toBe(404);
    writeFileSync(configFile + '.bad', JSON.stringify({ issuers: [{ issuer: DEV_ISSUER, jwksFile: idp.jwksFile, accepts: ['citizen'] }], console: { signInUrl: SIGN_IN_URL, clientSecret: 'x' } }));
    expect(() => readAuthConfig(configFile + '.bad')).toThrow(/console/);
  });
});
