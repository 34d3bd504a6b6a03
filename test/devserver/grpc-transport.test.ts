/**
 * The devserver's lean gRPC server (devserver/transport/grpc-server.ts) against real clients: grpc-js (plain and
 * gzip-compressed requests, statuses, details, cancellation) and raw HTTP/2 for what a client library never
 * sends (malformed frames, unknown encodings, wrong content types).
 */
import http2 from 'node:http2';
import { connect } from 'node:net';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { GrpcServer, RpcStatus } from '../../devserver/transport/grpc-server';
import { encodeGrpcMessage, Status } from '../../devserver/transport/grpc-wire';

const SERVICE = 'test.v1.EchoService';
const utf8 = new TextEncoder();
const text = new TextDecoder();

let server: GrpcServer;
let address: string;
/** A grpc-js client shared by the tests. */
let client: grpc.Client;
const stop = new AbortController();
const internalErrors: unknown[] = [];
/** Resolves with the reason when the waiting handler's signal aborts. */
let waitAborted: Promise<string> = Promise.resolve('');
let waitStarted: () => void = () => {};

beforeAll(async () => {
  server = new GrpcServer({ maxReceiveBytes: 1024, stopSignal: stop.signal, onInternalError: (_p, e) => internalErrors.push(e) });
  const bytesMethod = (handle: (req: string, signal: AbortSignal | undefined) => Promise<string>, wantsSignal = false) => ({
    decode: (b: Uint8Array) => {
      const s = text.decode(b);
      if (s.startsWith('\u0000bad')) throw new Error('malformed message');
      return s;
    },
    encode: (r: unknown) => utf8.encode(String(r)),
    handle: (req: unknown, signal: AbortSignal | undefined) => handle(req as string, signal),
    wantsSignal,
  });
  server.add(SERVICE, 'Echo', bytesMethod(async (req) => `echo:${req}`));
  server.add(
    SERVICE,
    'Fail',
    bytesMethod(async (req) => {
      throw new RpcStatus(Status.NOT_FOUND, `not found: ${req} — ünïcode 100%`, utf8.encode('details-bytes'));
    }),
  );
  server.add(
    SERVICE,
    'Crash',
    bytesMethod(async () => {
      throw new TypeError('boom');
    }),
  );
  server.add(
    SERVICE,
    'Wait',
    bytesMethod(
      (_req, signal) =>
        new Promise((resolve) => {
          waitAborted = new Promise((r) => signal!.addEventListener('abort', () => r('aborted'), { once: true }));
          signal!.addEventListener('abort', () => resolve('empty'), { once: true });
          waitStarted();
        }),
      true,
    ),
  );
  const port = await server.listen('127.0.0.1', 0);
  address = `127.0.0.1:${port}`;
  client = grpcClient();
});

afterAll(async () => {
  client.close();
  stop.abort();
  await server.close(1000);
});

function grpcClient(options: grpc.ChannelOptions = {}) {
  return new grpc.Client(address, grpc.credentials.createInsecure(), options);
}

function call(client: grpc.Client, method: string, body: string, cancelAfter?: Promise<void>) {
  return new Promise<{ value?: string; error?: grpc.ServiceError }>((resolve) => {
    const c = client.makeUnaryRequest(
      `/${SERVICE}/${method}`,
      (s: string) => Buffer.from(s),
      (b: Buffer) => b.toString(),
      body,
      (error, value) => resolve({ value, error: error ?? undefined }),
    );
    void cancelAfter?.then(() => c.cancel());
  });
}

/** A raw HTTP/2 request; returns the response headers, trailers and body. */
function raw(path: string, headers: http2.OutgoingHttpHeaders, body: Buffer) {
  return new Promise<{ headers: http2.IncomingHttpHeaders; trailers: http2.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const session = http2.connect(`http://${address}`);
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let resHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    req.on('response', (h) => (resHeaders = h));
    req.on('trailers', (t) => (trailers = t));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      session.close();
      resolve({ headers: resHeaders, trailers, body: Buffer.concat(chunks) });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const frame = (payload: Buffer, compressed = false) => {
  const head = Buffer.alloc(5);
  head[0] = compressed ? 1 : 0;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
};
/** grpc-status of a raw answer: trailers-only errors carry it in the headers. */
const statusOf = (r: { headers: http2.IncomingHttpHeaders; trailers: http2.IncomingHttpHeaders }) =>
  Number(r.trailers['grpc-status'] ?? r.headers['grpc-status']);

describe('lean gRPC server', () => {
  it('answers unary calls, plain and gzip-compressed (as the SDK core sends them)', async () => {
    const plain = grpcClient();
    const gzip = grpcClient({ 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
    try {
      expect(await call(plain, 'Echo', 'hello')).toEqual({ value: 'echo:hello' });
      expect(await call(gzip, 'Echo', 'x'.repeat(500))).toEqual({ value: `echo:${'x'.repeat(500)}` });
    } finally {
      plain.close();
      gzip.close();
    }
  });

  it('sends statuses with their message (percent-encoded on the wire) and google.rpc.Status details', async () => {
    const { error } = await call(client, 'Fail', 'abc');
    expect(error?.code).toBe(grpc.status.NOT_FOUND);
    expect(error?.details).toBe('not found: abc — ünïcode 100%');
    expect((error?.metadata.get('grpc-status-details-bin')[0] as Buffer).toString()).toBe('details-bytes');
    expect(encodeGrpcMessage('a — 100%')).toBe('a %E2%80%94 100%25');
    expect(encodeGrpcMessage('plain text')).toBe('plain text');
  });

  it('answers INTERNAL for a handler that throws anything else, and keeps serving', async () => {
    const { error } = await call(client, 'Crash', '');
    expect(error?.code).toBe(grpc.status.INTERNAL);
    expect(error?.details).toBe('Crash: boom');
    expect(internalErrors.at(-1)).toBeInstanceOf(TypeError);
    expect(await call(client, 'Echo', 'still here')).toEqual({ value: 'echo:still here' });
  });

  it('answers UNIMPLEMENTED for an unknown method, naming it', async () => {
    const { error } = await call(client, 'Nope', '');
    expect(error?.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(error?.details).toContain(`/${SERVICE}/Nope`);
  });

  it('aborts a waiting handler when its caller cancels', async () => {
    const started = new Promise<void>((r) => (waitStarted = r));
    const { error } = await call(client, 'Wait', '', started);
    expect(error?.code).toBe(grpc.status.CANCELLED);
    expect(await waitAborted).toBe('aborted');
  });

  it('refuses malformed requests with a status, never a crash', async () => {
    const path = `/${SERVICE}/Echo`;
    // length prefix larger than the body
    const truncated = Buffer.concat([frame(Buffer.from('abcdef')).subarray(0, 5), Buffer.from('ab')]);
    expect(statusOf(await raw(path, {}, truncated))).toBe(Status.INTERNAL);
    // no message at all
    expect(statusOf(await raw(path, {}, Buffer.alloc(0)))).toBe(Status.INTERNAL);
    // a message the decoder rejects
    const bad = await raw(path, {}, frame(Buffer.from('\u0000bad')));
    expect(statusOf(bad)).toBe(Status.INTERNAL);
    expect(decodeURIComponent(String(bad.headers['grpc-message']))).toContain('cannot parse the request');
    // compressed with an encoding the server does not know
    const snappy = await raw(path, { 'grpc-encoding': 'snappy' }, frame(Buffer.from('x'), true));
    expect(statusOf(snappy)).toBe(Status.UNIMPLEMENTED);
    // over the size limit (1,024 bytes here)
    expect(statusOf(await raw(path, {}, frame(Buffer.alloc(4096, 1))))).toBe(Status.RESOURCE_EXHAUSTED);
    // deflate is accepted too
    const deflated = await raw(path, { 'grpc-encoding': 'deflate' }, frame(deflateSync(Buffer.from('zipped')), true));
    expect(statusOf(deflated)).toBe(Status.OK);
    expect(deflated.body.subarray(5).toString()).toBe('echo:zipped');
    // not gRPC
    const notGrpc = await raw(path, { 'content-type': 'text/plain' }, Buffer.from('hi'));
    expect(notGrpc.headers[':status']).toBe(415);
    // and the server still answers
    expect(await call(client, 'Echo', 'ok')).toEqual({ value: 'echo:ok' });
  });

  it('drops connections that do not speak HTTP/2 and keeps serving', async () => {
    const [host, port] = address.split(':');
    for (const bytes of ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x04garbage', '\x00\x01garbage'.repeat(100)]) {
      const closed = await new Promise<boolean>((resolve) => {
        const socket = connect(Number(port), host, () => socket.write(bytes));
        socket.on('data', () => {});
        socket.on('error', () => {});
        socket.on('close', () => resolve(true));
        setTimeout(() => {
          socket.destroy();
          resolve(false);
        }, 2000);
      });
      expect(closed).toBe(true);
    }
    expect(await call(client, 'Echo', 'after garbage')).toEqual({ value: 'echo:after garbage' });
  });

  it('stopping aborts waiting calls so they answer at once', async () => {
    const started = new Promise<void>((r) => (waitStarted = r));
    const pending = call(client, 'Wait', '');
    await started;
    stop.abort();
    expect(await pending).toEqual({ value: 'empty' });
    expect(await waitAborted).toBe('aborted');
  });
});
