/**
 * mTLS on the devserver with the real SDK: a throwaway CA, server and client certificates made with the openssl CLI
 * at run time (nothing committed), a worker and a client connecting through worker/temporal-connection.ts
 * (TEMPORAL_TLS_CERT / _KEY / _CA / _SERVER_NAME). A verified client certificate's CN is the caller's identity
 * (`certificateIdentities`): a police worker's certificate polls only agency-police queues; without a certificate,
 * or with one from another CA, the handshake fails when certificates are required; a bearer token, when sent, wins,
 * and plain JWT works over TLS when client certificates are optional.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../devserver/index';
import { loadCertificateIdentities, parseCertificateIdentities } from '../../devserver/auth/certificate-identities';
import { openDevIdentityProvider, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { devServerAuth } from '../../worker/dev-credentials';
import { temporalConnectionOptions } from '../../worker/temporal-connection';
import * as activities from '../../devserver/harness/activities';
import { freshDatabase, grpcCode, installRuntime, uid, workflowBundle } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'ds-mtls-'));
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

/** A self-signed CA `<name>.crt` / `<name>.key`. */
function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', `${name}.key`, '-out', `${name}.crt`);
}
/** A leaf `<name>.crt` / `<name>.key` with subject CN `cn`, issued by `ca`. */
function makeLeaf(ca: string, name: string, cn: string, usage: 'serverAuth' | 'clientAuth'): void {
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/O=Test/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
  const san = usage === 'serverAuth' ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' : '';
  writeFileSync(file(`${name}.ext`), `${san}basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${usage}\n`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
}

/** The env an entry point would get: the server CA and name, and optionally a client certificate `cert`. */
const tlsEnv = (address: string, cert?: string, extra: Record<string, string> = {}) => ({
  TEMPORAL_ADDRESS: address,
  TEMPORAL_TLS_CA: file('ca.crt'),
  TEMPORAL_TLS_SERVER_NAME: 'localhost',
  ...(cert ? { TEMPORAL_TLS_CERT: file(`${cert}.crt`), TEMPORAL_TLS_KEY: file(`${cert}.key`) } : {}),
  ...extra,
});

let idp: DevIdentityProvider;
let required: DevServer;
let optional: DevServer;
const databases: { drop(): Promise<void> }[] = [];
const connections: { close(): Promise<void> }[] = [];

async function connect(env: Record<string, string>): Promise<Connection> {
  const c = await Connection.connect({ ...temporalConnectionOptions(env), connectTimeout: 3000 });
  connections.push(c);
  return c;
}

/**
 * How the server ends a raw TLS connection with client certificate `cert`: the TLS alert, 'closed by the server'
 * (Node closes without an alert when a certificate fails verification), or '' when it is still open after a second.
 */
function handshakeError(address: string, cert?: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port: Number(port),
      servername: 'localhost',
      ALPNProtocols: ['h2'],
      ca: readFileSync(file('ca.crt')),
      ...(cert ? { cert: readFileSync(file(`${cert}.crt`)), key: readFileSync(file(`${cert}.key`)) } : {}),
    });
    // With TLS 1.3 the server's verdict on the client certificate arrives after the client's side of the handshake.
    const timer = setTimeout(() => {
      resolve('');
      socket.destroy();
    }, 1000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      resolve(err.message);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve('closed by the server');
    });
  });
}

const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const start = (c: Connection, taskQueue = 'mtls-start') =>
  c.workflowService.startWorkflowExecution({ namespace: 'default', workflowId: uid('mtls'), workflowType: { name: 'x' }, taskQueue: { name: taskQueue }, requestId: uid('r') });

beforeAll(async () => {
  installRuntime();
  makeCa('ca');
  makeLeaf('ca', 'server', 'localhost', 'serverAuth');
  for (const cn of ['police-worker', 'case-api', 'auditor', 'stranger']) makeLeaf('ca', cn, cn, 'clientAuth');
  makeCa('other-ca');
  makeLeaf('other-ca', 'impostor', 'police-worker', 'clientAuth');
  writeFileSync(
    file('identities.json'),
    JSON.stringify({
      'police-worker': { permissions: ['default:write'], worker: 'police' },
      'case-api': { permissions: ['default:write'] },
      auditor: { permissions: ['default:read'] },
    }),
  );

  idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'ds-mtls-idp-')) });
  const workerTaskQueues = { police: ['agency-police'], justice: ['agency-justice'] };
  const auth = { ...devServerAuth(idp), workerTaskQueues, certificateIdentities: loadCertificateIdentities(file('identities.json'), workerTaskQueues) };
  const serverTls = { cert: readFileSync(file('server.crt')), key: readFileSync(file('server.key')), clientCa: readFileSync(file('ca.crt')) };
  const quiet = { info() {}, warn() {}, error: console.error };
  for (const label of ['mtls_required', 'mtls_optional']) databases.push(await freshDatabase(label));
  const [a, b] = databases as unknown as { db: string }[];
  const common = { port: 0, longPollTimeoutMs: 300, logger: quiet, auth };
  required = await startDevServer({ ...common, db: a.db, tls: { ...serverTls, requireClientCert: true } });
  optional = await startDevServer({ ...common, db: b.db, tls: serverTls });
});
afterAll(async () => {
  for (const c of connections) await c.close();
  await required?.stop();
  await optional?.stop();
  for (const d of databases) await d.drop();
});

describe('devserver mTLS', () => {
  it('runs a real worker on a police certificate: it polls and answers agency-police, a client certificate starts the case', async () => {
    const nativeConnection = await NativeConnection.connect(temporalConnectionOptions(tlsEnv(required.address, 'police-worker')));
    connections.push(nativeConnection);
    const worker = await Worker.create({ connection: nativeConnection, taskQueue: 'agency-police', workflowBundle: await workflowBundle(), activities });
    const client = new Client({ connection: await connect(tlsEnv(required.address, 'case-api')) });
    const result = await worker.runUntil(client.workflow.execute('threeActivities', { args: ['mtls'], taskQueue: 'agency-police', workflowId: uid('police-case') }));
    expect(result).toEqual(['mtls-0', 'mtls-1', 'mtls-2']);
  });

  it('scopes a worker certificate to its agency\'s queues, and a certificate to its mapped roles', async () => {
    const police = (await connect(tlsEnv(required.address, 'police-worker'))).workflowService;
    expect((await grpcCode(police.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'agency-police' } }))).code).toBe(0);
    for (const queue of ['agency-justice', 'engine']) {
      const denied = await grpcCode(police.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: queue } }));
      expect(denied).toMatchObject({ code: PERMISSION_DENIED, details: expect.stringContaining(`police-worker may not use task queue "${queue}"`) });
    }
    expect(await grpcCode(police.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'agency-justice' } }))).toMatchObject({ code: PERMISSION_DENIED });
    // A worker certificate cannot start cases; a non-worker certificate cannot poll; a reader cannot start.
    expect(await grpcCode(start(await connect(tlsEnv(required.address, 'police-worker'))))).toMatchObject({ code: PERMISSION_DENIED });
    const api = await connect(tlsEnv(required.address, 'case-api'));
    expect(await grpcCode(api.workflowService.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'agency-police' } }))).toMatchObject({ code: PERMISSION_DENIED });
    const auditor = await connect(tlsEnv(required.address, 'auditor'));
    expect((await grpcCode(auditor.workflowService.describeNamespace({ namespace: 'default' }))).code).toBe(0);
    expect(await grpcCode(start(auditor))).toMatchObject({ code: PERMISSION_DENIED });
    // A certificate of the right CA whose CN has no mapping grants nothing.
    const stranger = await connect(tlsEnv(required.address, 'stranger'));
    expect(await grpcCode(stranger.workflowService.describeNamespace({ namespace: 'default' }))).toMatchObject({ code: PERMISSION_DENIED, details: expect.stringContaining('CN=stranger has no identity mapping') });
  });

  it('with a bearer token, the token decides, not the certificate', async () => {
    const readerCertWriterToken = await connect(tlsEnv(required.address, 'auditor', { TEMPORAL_API_KEY: await idp.temporalToken('api', ['default:write']) }));
    expect((await grpcCode(start(readerCertWriterToken))).code).toBe(0);
    const workerCertWriterToken = await connect(tlsEnv(required.address, 'police-worker', { TEMPORAL_API_KEY: await idp.temporalToken('api', ['default:write']) }));
    expect(await grpcCode(workerCertWriterToken.workflowService.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'agency-police' } }))).toMatchObject({ code: PERMISSION_DENIED });
  });

  it('refuses at the handshake a client without a certificate, or with one from another CA, when certificates are required', async () => {
    // The server's alert, as a plain TLS client sees it.
    expect(await handshakeError(required.address)).toMatch(/certificate required/i);
    expect(await handshakeError(required.address, 'impostor')).toBe('closed by the server');
    expect(await handshakeError(required.address, 'police-worker')).toBe('');
    // The SDK's client and worker connections fail.
    await expect(connect(tlsEnv(required.address))).rejects.toThrow(/Failed to connect/);
    await expect(connect(tlsEnv(required.address, 'impostor'))).rejects.toThrow(/Failed to connect/);
    await expect(NativeConnection.connect(temporalConnectionOptions(tlsEnv(required.address, 'impostor')))).rejects.toThrow(/Failed to call GetSystemInfo: .*tonic::transport::Error\(Transport/);
    await expect(NativeConnection.connect(temporalConnectionOptions(tlsEnv(required.address)))).rejects.toThrow(/Failed to call GetSystemInfo: .*tonic::transport::Error\(Transport/);
    // Nor does a bearer token stand in for the missing certificate.
    const token = await idp.temporalToken('api', ['default:write']);
    await expect(connect(tlsEnv(required.address, undefined, { TEMPORAL_API_KEY: token }))).rejects.toThrow(/Failed to connect/);
  });

  it('with optional client certificates: plain JWT works over TLS, no credential or an unverified certificate is UNAUTHENTICATED', async () => {
    const jwt = await connect(tlsEnv(optional.address, undefined, { TEMPORAL_API_KEY: await idp.temporalToken('api', ['default:write']) }));
    expect((await grpcCode(start(jwt))).code).toBe(0);
    const nothing = await connect(tlsEnv(optional.address));
    expect(await grpcCode(nothing.workflowService.describeNamespace({ namespace: 'default' }))).toMatchObject({
      code: UNAUTHENTICATED,
      details: expect.stringContaining('A bearer token or a verified client certificate is required'),
    });
    // Another CA's certificate (with a mapped CN) connects but proves nothing.
    const impostor = await connect(tlsEnv(optional.address, 'impostor'));
    expect(await grpcCode(impostor.workflowService.describeNamespace({ namespace: 'default' }))).toMatchObject({ code: UNAUTHENTICATED });
    const police = await connect(tlsEnv(optional.address, 'police-worker'));
    expect((await grpcCode(police.workflowService.describeNamespace({ namespace: 'default' }))).code).toBe(0);
  });

  it('rejects an identities mapping with unknown fields, bad permissions or an unknown worker', () => {
    const queues = { police: ['agency-police'] };
    expect(() => parseCertificateIdentities({ a: { permissions: ['default:write'], role: 'x' } }, queues)).toThrow(/role/);
    expect(() => parseCertificateIdentities({ a: { permissions: ['default:everything'] } }, queues)).toThrow(/<namespace>:<read\|write\|admin\|worker>/);
    expect(() => parseCertificateIdentities({ a: { permissions: [], worker: 'justice' } }, queues)).toThrow(/worker "justice", which has no task queues/);
    expect(parseCertificateIdentities({ a: { permissions: ['default:read'], worker: 'police' } }, queues)).toEqual({ a: { permissions: ['default:read'], worker: 'police' } });
  });
});
