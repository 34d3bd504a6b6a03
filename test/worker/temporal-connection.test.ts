import type { TLSConfig } from '@temporalio/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporalConnectionOptions, workerGrpcCompression } from '../../worker/temporal-connection';

describe('temporalConnectionOptions', () => {
  it('defaults to the local devserver without TLS', () => {
    expect(temporalConnectionOptions({})).toEqual({ address: '127.0.0.1:7233', tls: undefined, apiKey: undefined });
  });

  it('turns TLS on for an API key or TEMPORAL_TLS=true', () => {
    const withKey = temporalConnectionOptions({ TEMPORAL_ADDRESS: 'ns.tmprl.example:7233', TEMPORAL_API_KEY: 'k' });
    expect(withKey.address).toBe('ns.tmprl.example:7233');
    expect(withKey.apiKey).toBe('k');
    expect(withKey.tls).toBeDefined();
    expect(temporalConnectionOptions({ TEMPORAL_TLS: 'true' }).tls).toEqual({
      serverNameOverride: undefined,
      serverRootCACertificate: undefined,
      clientCertPair: undefined,
    });
  });

  it('reads the mTLS client certificate and the server CA from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    for (const f of ['crt', 'key', 'ca']) writeFileSync(join(dir, f), `-----${f}-----`);
    const o = temporalConnectionOptions({
      TEMPORAL_TLS_CERT: join(dir, 'crt'),
      TEMPORAL_TLS_KEY: join(dir, 'key'),
      TEMPORAL_TLS_CA: join(dir, 'ca'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    const tls = o.tls as TLSConfig;
    expect(tls.clientCertPair?.crt.toString()).toBe('-----crt-----');
    expect(tls.clientCertPair?.key.toString()).toBe('-----key-----');
    expect(tls.serverRootCACertificate?.toString()).toBe('-----ca-----');
    expect(tls.serverNameOverride).toBe('temporal.internal');
  });
});

describe('workerGrpcCompression', () => {
  it('sends uncompressed requests on loopback, gzip elsewhere, or what TEMPORAL_GRPC_COMPRESSION says', () => {
    expect(workerGrpcCompression({}, '127.0.0.1:7233')).toEqual({ grpcCompression: { codec: 'none' } });
    expect(workerGrpcCompression({}, 'localhost:7233')).toEqual({ grpcCompression: { codec: 'none' } });
    expect(workerGrpcCompression({}, '[::1]:7233')).toEqual({ grpcCompression: { codec: 'none' } });
    expect(workerGrpcCompression({}, 'ns.tmprl.example:7233')).toEqual({ grpcCompression: { codec: 'gzip' } });
    expect(workerGrpcCompression({ TEMPORAL_GRPC_COMPRESSION: 'gzip' }, '127.0.0.1:7233')).toEqual({ grpcCompression: { codec: 'gzip' } });
    expect(workerGrpcCompression({ TEMPORAL_GRPC_COMPRESSION: 'none' }, '10.0.0.5:7233')).toEqual({ grpcCompression: { codec: 'none' } });
  });

  it('refuses an unknown compression', () => {
    expect(() => workerGrpcCompression({ TEMPORAL_GRPC_COMPRESSION: 'zstd' }, '127.0.0.1:7233')).toThrow(expect.objectContaining({ code: 'INVALID_GRPC_COMPRESSION' }));
  });
});
