/**
 * End-to-end harness: the devserver (in-memory), registries on in-memory PGlite seeded with the fixtures, the
 * real SDK client and workers (engine + the three agencies), with devserver authentication on as in `npm start`
 * (each worker its own scoped credential). One per test file.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../devserver/index';
import type { RegistriesDatabase } from '../../db/registries-database';
import type { DatabaseTarget } from '../../db/connection';
import { openTestDatabase } from './registry-helpers';
import { seedPopulation, FIXTURE_FATHER, FIXTURE_MOTHER } from '../../db/seed';
import { createAgencyWorker, engineBundleOptions, type AgencyWorkerOptions, type WorkerRole } from '../../worker/agency-worker';
import { getCaseSnapshot } from '../../workflows/case-client';
import type { BirthApplication } from '../../procedures/birth-group/case';
import type { CaseSnapshot } from '../../workflows/definitions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDevIdentityProvider, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { devCredential, devServerAuth, workerSubject } from '../../worker/dev-credentials';
import type { DataConverter } from '@temporalio/common';
import { createDataConverter } from '../../worker/codec/data-converter';
import { createKeyring, generatePayloadKey, type Keyring } from '../../worker/codec/keyring';
import { setTimeout as sleep } from 'node:timers/promises';

let runtimeInstalled = false;

export interface Harness {
  server: DevServer;
  registries: RegistriesDatabase;
  client: Client;
  /** The production data converter (payloads encrypted) on the harness's own keyring. */
  dataConverter: DataConverter;
  keyring: Keyring;
  connection: NativeConnection;
  workflowBundle: { code: string };
  workers: Map<WorkerRole, { worker: Worker; running: Promise<void> }>;
  /** Starts a worker; `overrides` replaces some of its registry adapters (a test's injected fault). */
  startWorker(role: WorkerRole, overrides?: Pick<AgencyWorkerOptions, 'registries'>): Promise<void>;
  stopWorker(role: WorkerRole): Promise<void>;
  close(): Promise<void>;
}

const quiet = { info: () => {}, warn: () => {}, error: (m: string, e?: unknown) => console.error(`[devserver] ${m}`, e ?? '') };

export interface HarnessOptions {
  /** Agency workers besides engine, justice, police and vss (e.g. `tax`). */
  extraWorkers?: WorkerRole[];
  /**
   * Devserver authentication, on by default as in `npm start`: each worker connects with its own credential (scoped
   * to its task queue), the client with a writer's (`api`). A provider to share with the test (API tokens), or
   * `false` for a devserver without authentication (tests that run their own workers on other queues).
   */
  identity?: DevIdentityProvider | false;
  /** The devserver's storage (default in-memory PGlite), e.g. a scratch Postgres database. */
  devserverDb?: DatabaseTarget;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const identity =
    options.identity === false ? undefined : (options.identity ?? (await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'harness-idp-')) })));
  const server = await startDevServer({ port: 0, db: options.devserverDb ?? ':memory:', logger: quiet, auth: identity && devServerAuth(identity) });
  const credential = async (subject: string) => (identity ? devCredential(identity, subject, 'default') : {});
  // In-memory PGlite, or a scratch database on DATABASE_URL's server (dropped on close).
  const registries = await openTestDatabase();
  await seedPopulation(registries.db, { people: 50 });
  const workflowBundle = await bundleWorkflowCode({ ...engineBundleOptions(), logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: server.address, ...(await credential(workerSubject('engine'))) });
  const clientConnection = await Connection.connect({ address: server.address, ...(await credential('api')) });
  /** With authentication each worker role has its own connection and credential. */
  const roleConnections = new Map<WorkerRole, NativeConnection>();
  const connectionOf = async (role: WorkerRole) => {
    if (!identity || role === 'engine') return connection;
    let conn = roleConnections.get(role);
    if (!conn) roleConnections.set(role, (conn = await NativeConnection.connect({ address: server.address, ...(await credential(workerSubject(role))) })));
    return conn;
  };
  // Payloads encrypted as in production: the same factory, on a key made for this harness.
  const keyring = createKeyring([generatePayloadKey()]);
  const dataConverter = createDataConverter({ keyring });
  const client = new Client({ connection: clientConnection, namespace: 'default', dataConverter });
  const workers: Harness['workers'] = new Map();

  const startWorker = async (role: WorkerRole, overrides: Pick<AgencyWorkerOptions, 'registries'> = {}) => {
    const worker = await createAgencyWorker({
      ...overrides,
      agency: role,
      connection: await connectionOf(role),
      dataConverter,
      namespace: 'default',
      db: registries.db,
      workflowBundle,
      // The production worker options (nothing test-only).
    });
    workers.set(role, { worker, running: worker.run() });
  };
  const stopWorker = async (role: WorkerRole) => {
    const w = workers.get(role);
    if (!w) return;
    workers.delete(role);
    w.worker.shutdown();
    await w.running;
  };
  for (const role of ['engine', 'justice', 'police', 'vss', ...(options.extraWorkers ?? [])] as const) await startWorker(role);

  return {
    server,
    registries,
    client,
    dataConverter,
    keyring,
    connection,
    workflowBundle,
    workers,
    startWorker,
    stopWorker,
    async close() {
      for (const role of [...workers.keys()]) await stopWorker(role);
      await connection.close();
      for (const conn of roleConnections.values()) await conn.close();
      await clientConnection.close();
      await server.stop();
      await registries.close();
    },
  };
}

/** Polls the case's snapshot until `predicate` holds. */
export async function waitForCase(
  client: Client,
  caseId: string,
  predicate: (s: CaseSnapshot) => boolean,
  timeoutMs = 20_000,
): Promise<CaseSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last: CaseSnapshot | undefined;
  for (;;) {
    try {
      last = await getCaseSnapshot(client, caseId);
      if (predicate(last)) return last;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) {
      throw new Error(`case ${caseId} did not reach the expected state; last: ${JSON.stringify(last?.state)}`);
    }
    await sleep(100);
  }
}

export const inState = (path: string) => (s: CaseSnapshot) => s.activeStates.includes(path);

/** A parent's declaration: the child's own data only, plus keys to the parents' records. */
export function birthApplication(childName: string): BirthApplication {
  return {
    applicant: { personalId: FIXTURE_MOTHER.personalId },
    mother: { personalId: FIXTURE_MOTHER.personalId },
    father: { personalId: FIXTURE_FATHER.personalId },
    child: { fullName: childName, dateOfBirth: '2026-11-20', sex: 'female', placeOfBirth: '00004', ethnicity: 'Kinh' },
    medicalBirthNoticeNo: `CS-${childName.replace(/\W/g, '')}`,
    registration: { communeCode: '00004', provinceCode: '01' },
  };
}

export const officers = {
  justice: { kind: 'officer' as const, id: 'tp-ba-dinh-01', agency: 'justice' as const },
  police: { kind: 'officer' as const, id: 'ca-ba-dinh-07', agency: 'police' as const },
};
