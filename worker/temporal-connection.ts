/**
 * How every entry point (workers, API, ops CLI, all-in-one start) connects to Temporal: the embedded devserver or a
 * real cluster with TLS / mTLS / API key. Called with `process.env` by entry points only.
 *
 * TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_API_KEY, TEMPORAL_TLS=true (TLS with system roots),
 * TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY (mTLS client certificate paths), TEMPORAL_TLS_CA (server CA path),
 * TEMPORAL_TLS_SERVER_NAME; TEMPORAL_TLS=false sends the API key (a JWT) without TLS, for the local devserver.
 */
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/** Accepted as is by both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
export interface TemporalConnectionOptions {
  address: string;
  /** `false`: plain TCP even with an API key (the devserver with authentication on). */
  tls?: TLSConfig | boolean;
  /** Sent as `Authorization: Bearer <apiKey>`: a Temporal Cloud API key or a JWT. */
  apiKey?: string;
}

export function temporalConnectionOptions(env: Record<string, string | undefined>, defaultAddress = '127.0.0.1:7233'): TemporalConnectionOptions {
  const address = env.TEMPORAL_ADDRESS || defaultAddress;
  // TEMPORAL_TLS=false: a bearer token over plain TCP (the local devserver with authentication on).
  if (env.TEMPORAL_TLS === 'false') return { address, tls: false, apiKey: env.TEMPORAL_API_KEY || undefined };
  const useTls = env.TEMPORAL_TLS === 'true' || !!env.TEMPORAL_TLS_CERT || !!env.TEMPORAL_TLS_CA || !!env.TEMPORAL_API_KEY;
  const tls: TLSConfig | undefined = useTls
    ? {
        serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME || undefined,
        serverRootCACertificate: env.TEMPORAL_TLS_CA ? readFileSync(env.TEMPORAL_TLS_CA) : undefined,
        clientCertPair:
          env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY
            ? { crt: readFileSync(env.TEMPORAL_TLS_CERT), key: readFileSync(env.TEMPORAL_TLS_KEY) }
            : undefined,
      }
    : undefined;
  return { address, tls, apiKey: env.TEMPORAL_API_KEY || undefined };
}

export const GRPC_COMPRESSIONS = ['gzip', 'none'] as const;
export type GrpcCompression = (typeof GRPC_COMPRESSIONS)[number];

export class InvalidGrpcCompressionError extends Error {
  readonly code = 'INVALID_GRPC_COMPRESSION';
  constructor(value: string) {
    super(`TEMPORAL_GRPC_COMPRESSION must be one of ${GRPC_COMPRESSIONS.join(', ')}, got "${value}"`);
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)(:\d+)?$/;

/**
 * The SDK worker's request compression (`NativeConnection.connect({ grpcCompression })`): TEMPORAL_GRPC_COMPRESSION,
 * else none on a loopback address and gzip (the SDK's default) elsewhere. On loopback gzip only costs CPU on both
 * sides: the devserver spent ~4 % of its time un-gzipping the SDK's requests (bench:compare profile).
 */
export function workerGrpcCompression(env: Record<string, string | undefined>, address: string): { grpcCompression: { codec: GrpcCompression } } {
  const given = env.TEMPORAL_GRPC_COMPRESSION;
  if (given !== undefined && given !== '') {
    if (!(GRPC_COMPRESSIONS as readonly string[]).includes(given)) throw new InvalidGrpcCompressionError(given);
    return { grpcCompression: { codec: given as GrpcCompression } };
  }
  return { grpcCompression: { codec: LOOPBACK.test(address) ? 'none' : 'gzip' } };
}
