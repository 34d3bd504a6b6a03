/** Calling the API app in tests: JSON requests with a principal's bearer token, and polling a case until it matches. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../api/app';
import { createCaseService } from '../../api/case-service';
import { apiSecurity } from '../../api/security-config';
import { auditRegistries, createPostgresAuditSink, createPostgresRegistries } from '../../activities/registries';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../../db/seed';
import { openDevIdentityProvider, parsePrincipalSpec, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { startHarness, type Harness } from '../support/harness';
import { setTimeout as sleep } from 'node:timers/promises';

/** The README's family and the officers who act on its case, as principal specs (`npm run token -- --as`). */
export const MOTHER = `citizen:${FIXTURE_MOTHER.personalId}`;
export const FATHER = `citizen:${FIXTURE_FATHER.personalId}`;
export const HEAD = `citizen:${FIXTURE_HOUSEHOLD_HEAD.personalId}`;
export const JUSTICE = 'officer:justice:tp-01';
export const POLICE = 'officer:police:ca-07';

export interface ApiStack {
  h: Harness;
  idp: DevIdentityProvider;
  app: ReturnType<typeof createApp>;
}

/** The whole stack (devserver, SDK workers, registries) behind the API app, trusting a local identity provider. */
export async function startApiStack(): Promise<ApiStack> {
  const idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'idp-')) });
  const h = await startHarness({ identity: idp });
  const registries = auditRegistries(createPostgresRegistries(h.registries.db), createPostgresAuditSink(h.registries.db), () => new Date());
  const app = createApp(createCaseService({ client: h.client, db: h.registries.db, registries }), { security: apiSecurity({ devIdentityProvider: idp }) });
  return { h, idp, app };
}

/**
 * `as` names the caller by principal spec (`citizen:<personalId>`, `officer:<agency>:<id>`, `operator:<id>`, as
 * `npm run token -- --as`); its token comes from the local identity provider the app trusts. No `as`: no token.
 * `waitFor` reads the case as `reader`.
 */
export function apiCaller(app: () => ReturnType<typeof createApp>, idp: () => DevIdentityProvider, reader: string) {
  const tokens = new Map<string, string>();
  async function tokenOf(as: string): Promise<string> {
    let token = tokens.get(as);
    if (!token) tokens.set(as, (token = await idp().apiToken(parsePrincipalSpec(as))));
    return token;
  }

  async function call(method: string, path: string, body?: unknown, as?: string, headers: Record<string, string> = {}) {
    const res = await app().request(path, {
      method,
      headers: { 'content-type': 'application/json', ...(as ? { authorization: `Bearer ${await tokenOf(as)}` } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function waitFor(caseId: string, predicate: (c: any) => boolean, timeoutMs = 20_000) {
    const until = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < until) {
      last = await call('GET', `/cases/${caseId}`, undefined, reader);
      if (last.status === 200 && predicate(last.body)) return last.body;
      await sleep(100);
    }
    throw new Error(`case ${caseId} never matched; last ${JSON.stringify(last?.body?.activeStates ?? last?.body)}`);
  }

  return { call, waitFor };
}
