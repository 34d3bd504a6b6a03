/**
 * One owner per embedded database: a second process opening the directory is refused with a clear message; the ops
 * CLI reaches the running server through its API instead, so its audit rows land in the live database.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRegistries, createPostgresAuditSink, createPostgresRegistries } from '../../activities/registries';
import { createCaseService } from '../../api/case-service';
import { apiSecurity } from '../../api/security-config';
import { serveApi, type RunningApi } from '../../api/server';
import { acquireDirLock, DatabaseInUseError, lockPathOf, readDirOwner } from '../../db/dir-lock';
import { openRegistriesDatabase, type RegistriesDatabase } from '../../db/registries-database';
import { openDevIdentityProvider, parsePrincipalSpec, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { listOperatorActions } from '../../ops/audit';
import { createOpsRoutes } from '../../ops/routes';
import { startCase } from '../../workflows/case-client';
import { birthApplication, inState, startHarness, waitForCase, type Harness } from '../support/harness';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const tsx = join(ROOT, 'node_modules/.bin/tsx');

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(tsx, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

let dir: string;
beforeAll(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'one-owner-')), 'registries');
});
afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

describe('one owner per embedded directory', () => {
  it('refuses a second opener, in this process or another, naming the owner; a dead owner\'s lock is taken over', async () => {
    const db = await openRegistriesDatabase({ kind: 'pglite-dir', dir });
    try {
      expect(readDirOwner(dir)).toMatchObject({ pid: process.pid });
      expect(() => acquireDirLock(dir)).toThrow(DatabaseInUseError);
      // Another process: `npm run seed` on the same directory.
      const other = await cli(['db/seed-main.ts'], { DATABASE_URL: dir, SEED_PEOPLE: '10' });
      expect(other.code).not.toBe(0);
      expect(other.stderr).toMatch(new RegExp(`embedded database .* is in use by process ${process.pid}`));
    } finally {
      await db.close();
    }
    // Closed: the lock is gone. A lock left by a dead process does not block.
    expect(readDirOwner(dir)).toBeNull();
    writeFileSync(lockPathOf(dir), JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: '2026-01-01T00:00:00Z', command: 'crashed' }));
    const again = await openRegistriesDatabase({ kind: 'pglite-dir', dir });
    expect(readDirOwner(dir)).toMatchObject({ pid: process.pid });
    await again.close();
  });
});

describe('the ops CLI against a running server that owns the directory', () => {
  let h: Harness;
  let live: RegistriesDatabase;
  let api: RunningApi;
  let idp: DevIdentityProvider;
  let identityDir: string;
  beforeAll(async () => {
    // As `npm start`: the server trusts the local identity provider, whose keys the CLI finds in IDENTITY_DIR.
    identityDir = mkdtempSync(join(tmpdir(), 'one-owner-idp-'));
    idp = await openDevIdentityProvider({ dir: identityDir });
    h = await startHarness({ identity: idp });
    live = await openRegistriesDatabase({ kind: 'pglite-dir', dir });
    const registries = auditRegistries(createPostgresRegistries(live.db), createPostgresAuditSink(live.db), () => new Date());
    const service = createCaseService({ client: h.client, db: live.db, registries });
    api = await serveApi(service, { port: 0, ops: createOpsRoutes({ client: h.client, db: live.db }), security: apiSecurity({ devIdentityProvider: idp }) });
    live.lock!.advertise({ apiUrl: api.url });
  });
  afterAll(async () => {
    await api?.close();
    await live?.close();
    await h?.close();
    rmSync(identityDir, { recursive: true, force: true });
  });

  it('runs the command in the server: output, exit codes and the audit row land in the live database', async () => {
    const caseId = 'remote-ops';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication('Hà Văn Xa') } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    // The operator is who the token names (npm run token -- --as operator:ops.remote); the server verifies it.
    const env = { DATABASE_URL: dir, TEMPORAL_ADDRESS: h.server.address, IDENTITY_DIR: identityDir, OPS_TOKEN: await idp.apiToken(parsePrincipalSpec('operator:ops.remote')) };

    const dry = await cli(['ops/main.ts', 'terminate', caseId, '--dry-run', '--reason', 'duplicate dossier'], env);
    expect(dry.stdout).toMatch(/DRY RUN \(nothing changed\): would terminate case remote-ops/);
    expect(dry.stderr).toMatch(new RegExp(`running on ${api.url.replace(/[.]/g, '\\.')}`));
    expect(dry.code).toBe(0);
    const bad = await cli(['ops/main.ts', 'terminate', caseId, '--to', 'start', '--reason', 'x'], env);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/UNKNOWN_OPTION/);

    // Without an operator's token the server runs nothing (its /ops routes are for operators; no token: see the
    // route matrix in test/api/authorization.e2e.test.ts).
    const citizen = await cli(['ops/main.ts', 'terminate', caseId, '--reason', 'duplicate dossier'], { ...env, OPS_TOKEN: await idp.apiToken(parsePrincipalSpec('citizen:001099999999')) });
    expect(citizen.code).toBe(1);
    expect(citizen.stderr).toMatch(/ROLE_REQUIRED/);
    expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).status.name).toBe('RUNNING');

    const done = await cli(['ops/main.ts', 'terminate', caseId, '--reason', 'duplicate dossier'], env);
    expect(done.code).toBe(0);
    expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).status.name).toBe('TERMINATED');
    expect(await listOperatorActions(live.db, { caseId })).toEqual([
      expect.objectContaining({ action: 'terminate', operator: 'operator:ops.remote', reason: 'duplicate dossier', outcome: 'ok' }),
    ]);
    const audit = await cli(['ops/main.ts', 'audit', caseId], env);
    expect(audit.stdout).toMatch(/operator:ops\.remote\s+terminate \(ok\): duplicate dossier/);
  });

  it('accepts commands from this machine only', async () => {
    const app = createOpsRoutes({ client: h.client, db: live.db });
    const res = await app.request('/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ argv: ['cases'], env: {} }) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('OPS_COMMANDS_LOOPBACK_ONLY');
  });
});
