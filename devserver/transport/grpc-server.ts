/**
 * A lean unary gRPC server on node:http2 (the gRPC-over-HTTP/2 wire protocol, unary calls only, which is all
 * the WorkflowService and OperatorService have).
 *
 * Why not grpc-js: its server runs every call through interceptor, metadata and stream-filter layers and
 * decompresses each gzip'd request through a zlib stream (a thread-pool hop per request); that was about a
 * third of the devserver's CPU per workflow. Here a call is: collect the request frame, gunzip it synchronously
 * when the client compressed it (the SDK core does), decode, run the handler, answer with one data frame and
 * trailers, or a trailers-only error.
 */
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { encodeGrpcMessage, frameMessage, Status, unframeMessage } from './grpc-wire';
import { callPeer, secureServerOptions, type CallPeer, type DevServerTlsOptions } from './tls';

/** A call's outcome other than OK: what goes into the grpc-status, grpc-message and details trailers. */
export class RpcStatus extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Encoded google.rpc.Status, sent as `grpc-status-details-bin`. */
    readonly detailsBin?: Uint8Array,
  ) {
    super(message);
    this.name = 'RpcStatus';
  }
}

export interface UnaryMethod {
  decode(bytes: Uint8Array): unknown;
  encode(response: unknown): Uint8Array;
  /**
   * Answers a request. Throw an RpcStatus for an error status; anything else thrown answers INTERNAL.
   * `signal` (only for `wantsSignal` methods) aborts when the caller goes away or the server stops.
   */
  handle(request: unknown, signal: AbortSignal | undefined): Promise<unknown>;
  wantsSignal: boolean;
}

/**
 * Runs before a call's handler (authentication and authorization, devserver/auth/): throws an RpcStatus to refuse
 * the call, or returns the request to hand on and how to map the answer before it is encoded.
 */
export type CallInterceptor = (
  path: string,
  headers: http2.IncomingHttpHeaders,
  request: unknown,
  /** The connection's verified client certificate, if any (transport/tls.ts). */
  peer: CallPeer,
) => Promise<{ request: unknown; mapResponse?: (response: unknown) => unknown }>;

export interface GrpcServerOptions {
  /** Authentication/authorization of every call; absent, every call runs. */
  intercept?: CallInterceptor;
  /** Largest request accepted, in bytes (after decompression). */
  maxReceiveBytes?: number;
  /** Called for every error that is not a gRPC status (it answers INTERNAL). */
  onInternalError?: (path: string, err: unknown) => void;
  /** Aborts every waiting call (long polls answer at once) when the server stops. */
  stopSignal?: AbortSignal;
  /** Serve over TLS (and verify client certificates); absent, plain TCP (h2c). */
  tls?: DevServerTlsOptions;
}

const ACCEPT_ENCODING = 'identity,deflate,gzip';

function trailersOnly(stream: http2.ServerHttp2Stream, status: number, message: string, detailsBin?: Uint8Array) {
  if (stream.destroyed || stream.headersSent) return;
  const headers: http2.OutgoingHttpHeaders = {
    ':status': 200,
    'content-type': 'application/grpc+proto',
    'grpc-accept-encoding': ACCEPT_ENCODING,
    'grpc-status': String(status),
    'grpc-message': encodeGrpcMessage(message),
  };
  if (detailsBin) headers['grpc-status-details-bin'] = Buffer.from(detailsBin).toString('base64').replace(/=+$/, '');
  try {
    stream.respond(headers, { endStream: true });
  } catch {
    /* the caller went away between the check and the answer */
  }
}

function respondMessage(stream: http2.ServerHttp2Stream, body: Uint8Array) {
  if (stream.destroyed || stream.headersSent) return;
  const frame = frameMessage(body);
  try {
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-accept-encoding': ACCEPT_ENCODING, 'grpc-encoding': 'identity' },
      { waitForTrailers: true },
    );
    stream.once('wantTrailers', () => {
      try {
        stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': '' });
      } catch {
        /* reset by the caller */
      }
    });
    stream.end(frame);
  } catch {
    /* the caller went away */
  }
}

/** The one message of a unary request: length-prefixed, decompressed per `grpc-encoding` if flagged. */
function unaryMessage(body: Buffer, encoding: string | undefined, maxBytes: number): Uint8Array {
  const frame = unframeMessage(body);
  if ('error' in frame) throw new RpcStatus(Status.INTERNAL, `request: ${frame.error}`);
  const { payload, compressed } = frame;
  if (!compressed) return payload;
  if (encoding === 'gzip') return gunzipSync(payload, { maxOutputLength: maxBytes });
  if (encoding === 'deflate') return inflateSync(payload, { maxOutputLength: maxBytes });
  throw new RpcStatus(Status.UNIMPLEMENTED, `compression "${encoding ?? 'none'}" is not supported (accepted: ${ACCEPT_ENCODING})`);
}

export class GrpcServer {
  private readonly methods = new Map<string, UnaryMethod>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly server: http2.Http2Server | http2.Http2SecureServer;
  private readonly maxReceiveBytes: number;

  constructor(private readonly options: GrpcServerOptions = {}) {
    this.maxReceiveBytes = options.maxReceiveBytes ?? 128 * 1024 * 1024;
    // maxSessionMemory is in MB: many concurrent long polls and large history pages on one connection.
    this.server = options.tls
      ? http2.createSecureServer({ ...secureServerOptions(options.tls), maxSessionMemory: 1024 })
      : http2.createServer({ maxSessionMemory: 1024 });
    this.server.on('connection', (socket: Socket) => socket.setNoDelay(true)); // small answers go out at once
    this.server.on('session', (session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
      session.on('error', () => {}); // a broken connection ends its calls; it never stops the server
    });
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
  }

  /** Registers `method` at `/<service>/<name>`. */
  add(service: string, name: string, method: UnaryMethod): void {
    this.methods.set(`/${service}/${name}`, method);
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  /** Stops accepting connections, lets calls in flight finish, and drops what is left after `graceMs`. */
  close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions) session.close();
    const timer = setTimeout(() => {
      for (const session of this.sessions) session.destroy();
    }, graceMs);
    return closed.finally(() => clearTimeout(timer));
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => {}); // a reset stream only ends its own call
    const path = headers[':path'] ?? '';
    const contentType = headers['content-type'];
    if (headers[':method'] !== 'POST' || typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) {
      try {
        stream.respond({ ':status': 415 }, { endStream: true });
      } catch {
        /* gone */
      }
      return;
    }
    const method = this.methods.get(path);
    if (!method) {
      stream.resume();
      trailersOnly(stream, Status.UNIMPLEMENTED, `The server does not implement the method ${path}`);
      return;
    }
    const encoding = headers['grpc-encoding'] as string | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxReceiveBytes + 5) tooLarge = true;
      else chunks.push(chunk);
    });
    stream.on('end', () => {
      if (tooLarge) {
        trailersOnly(stream, Status.RESOURCE_EXHAUSTED, `request larger than ${this.maxReceiveBytes} bytes`);
        return;
      }
      let request: unknown;
      try {
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        request = method.decode(unaryMessage(body, encoding, this.maxReceiveBytes));
      } catch (err) {
        if (err instanceof RpcStatus) trailersOnly(stream, err.status, err.message, err.detailsBin);
        else trailersOnly(stream, Status.INTERNAL, `cannot parse the request: ${(err as Error)?.message ?? err}`);
        return;
      }
      this.run(path, method, request, stream, headers);
    });
  }

  private run(path: string, method: UnaryMethod, request: unknown, stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    let ac: AbortController | undefined;
    let onAbort: (() => void) | undefined;
    if (method.wantsSignal) {
      const controller = (ac = new AbortController());
      onAbort = () => controller.abort();
      if (stream.closed) controller.abort();
      else stream.once('close', onAbort);
      this.options.stopSignal?.addEventListener('abort', onAbort, { once: true });
    }
    const done = () => {
      if (onAbort) {
        stream.off('close', onAbort);
        this.options.stopSignal?.removeEventListener('abort', onAbort);
      }
    };
    let answer: Promise<unknown>;
    const intercept = this.options.intercept;
    if (intercept) {
      answer = intercept(path, headers, request, callPeer(stream.session)).then(async (call) => {
        const response = await method.handle(call.request, ac?.signal);
        return call.mapResponse ? call.mapResponse(response) : response;
      });
    } else {
      try {
        answer = method.handle(request, ac?.signal);
      } catch (err) {
        answer = Promise.reject(err);
      }
    }
    answer.then(
      (response) => {
        done();
        let body: Uint8Array;
        try {
          body = method.encode(response);
        } catch (err) {
          this.options.onInternalError?.(path, err);
          trailersOnly(stream, Status.INTERNAL, `cannot encode the answer: ${(err as Error)?.message ?? err}`);
          return;
        }
        respondMessage(stream, body);
      },
      (err: unknown) => {
        done();
        if (err instanceof RpcStatus) {
          trailersOnly(stream, err.status, err.message, err.detailsBin);
          return;
        }
        this.options.onInternalError?.(path, err);
        trailersOnly(stream, Status.INTERNAL, `${path.split('/').pop()}: ${(err as Error)?.message ?? String(err)}`);
      },
    );
  }
}
