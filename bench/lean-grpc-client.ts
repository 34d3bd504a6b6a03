/**
 * A minimal unary gRPC client on node:http2 for the benchmarks' load generator (the protocol worker and the
 * client that starts workflows and waits for their results), so the bench process costs little next to the
 * server it measures: no grpc-js channel, interceptors, metadata or AsyncLocalStorage; a call is encode, one
 * framed request, one data frame and the trailers back, decode.
 *
 * Only what the bench needs: WorkflowService unary methods, plaintext, no compression (the request goes out
 * uncompressed; an answer with the compressed flag set is rejected), no deadlines (pass a signal).
 */
import http2 from 'node:http2';
import { connect as netConnect } from 'node:net';
import type { temporal } from '@temporalio/proto';
import { serviceMethods } from '../devserver/proto';
import { decodeGrpcMessage, frameMessage, Status, statusName, unframeMessage } from '../devserver/transport/grpc-wire';

const SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;
/** The service's methods by their gRPC name (StartWorkflowExecution, …), with the generated signatures. */
type Methods = {
  [K in keyof WorkflowService as WorkflowService[K] extends { readonly name: Capitalize<K & string> } ? Capitalize<K & string> : never]: WorkflowService[K];
};
export type MethodName = keyof Methods & string;
export type RequestOf<M extends MethodName> = Parameters<Methods[M]>[0];
export type ResponseOf<M extends MethodName> = Awaited<ReturnType<Methods[M]>>;

/** A call that ended with a non-OK status (`code`, `details` as grpc-js's ServiceError has them). */
export class GrpcCallError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    readonly method: string,
  ) {
    super(`${method}: ${code} ${statusName(code)}: ${details}`);
    this.name = 'GrpcCallError';
  }
}

interface MessageType {
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

interface Codec {
  method: string;
  headers: http2.OutgoingHttpHeaders;
  requestType: MessageType;
  responseType: MessageType;
}

const CALL = Symbol('call');
type CallStream = http2.ClientHttp2Stream & { [CALL]: Call };

/**
 * One call in flight. It is the abort listener itself (`handleEvent`), and the stream's listeners below are
 * shared functions that find it on the stream: no closures per call but the promise's executor.
 */
class Call {
  /** The answer's bytes: usually one chunk. */
  first: Buffer | null = null;
  rest: Buffer[] | null = null;
  /** grpc-status once the headers (trailers-only answer) or the trailers carried it; -1 until then. */
  status = -1;
  message = '';
  error: Error | null = null;

  constructor(
    readonly codec: Codec,
    readonly stream: http2.ClientHttp2Stream,
    readonly signal: AbortSignal | undefined,
    readonly resolve: (v: unknown) => void,
    readonly reject: (e: Error) => void,
  ) {}

  /** The signal aborted: cancel the stream (its 'close' settles the call as CANCELLED). */
  handleEvent(): void {
    this.stream.close(http2.constants.NGHTTP2_CANCEL);
  }
}

function takeStatus(call: Call, headers: http2.IncomingHttpHeaders): void {
  const s = headers['grpc-status'];
  if (s === undefined) return;
  call.status = Number(s);
  call.message = decodeGrpcMessage(headers['grpc-message']);
}

function onResponse(this: CallStream, headers: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader): void {
  const call = this[CALL];
  takeStatus(call, headers); // a trailers-only answer
  if (call.status < 0 && headers[':status'] !== 200) {
    call.status = Status.UNKNOWN;
    call.message = `HTTP status ${headers[':status']}`;
  }
}

function onData(this: CallStream, chunk: Buffer): void {
  const call = this[CALL];
  if (call.first === null) call.first = chunk;
  else (call.rest ??= []).push(chunk);
}

function onTrailers(this: CallStream, trailers: http2.IncomingHttpHeaders): void {
  takeStatus(this[CALL], trailers);
}

function onError(this: CallStream, err: Error): void {
  this[CALL].error ??= err;
}

function onClose(this: CallStream): void {
  const call = this[CALL];
  const { codec } = call;
  call.signal?.removeEventListener('abort', call);
  if (call.status === Status.OK) {
    const frame = unframeMessage(call.rest === null ? call.first : Buffer.concat([call.first!, ...call.rest]));
    if ('error' in frame || frame.compressed) {
      call.reject(new GrpcCallError(Status.INTERNAL, `answer: ${'error' in frame ? frame.error : 'compressed (not supported)'}`, codec.method));
      return;
    }
    let response: unknown;
    try {
      response = codec.responseType.decode(frame.payload);
    } catch (err) {
      call.reject(new GrpcCallError(Status.INTERNAL, `cannot decode the answer: ${(err as Error).message}`, codec.method));
      return;
    }
    call.resolve(response);
  } else if (call.status > 0) {
    call.reject(new GrpcCallError(call.status, call.message, codec.method));
  } else if (this.rstCode === http2.constants.NGHTTP2_CANCEL) {
    call.reject(new GrpcCallError(Status.CANCELLED, 'call cancelled', codec.method));
  } else {
    const why = call.error?.message ?? `stream closed without a status (RST_STREAM code ${this.rstCode})`;
    call.reject(new GrpcCallError(Status.UNAVAILABLE, why, codec.method));
  }
}

export interface LeanGrpcClientOptions {
  /** HTTP/2 sessions (TCP connections) to spread the calls over, round-robin (default 1). */
  sessions?: number;
}

export class LeanGrpcClient {
  private readonly host: string;
  private readonly port: number;
  private readonly sessions: (http2.ClientHttp2Session | null)[];
  private next = 0;
  private readonly codecs = new Map<string, Codec>();
  private closed = false;

  /** `address`: host:port of the server. */
  constructor(address: string, options: LeanGrpcClientOptions = {}) {
    const at = address.lastIndexOf(':');
    this.host = address.slice(0, at).replace(/^\[|\]$/g, '');
    this.port = Number(address.slice(at + 1));
    this.sessions = Array.from({ length: Math.max(1, options.sessions ?? 1) }, () => null);
    for (const { name, requestType, responseType } of serviceMethods(SERVICE)) {
      const headers = { ':method': 'POST', ':path': `/${SERVICE}/${name}`, 'content-type': 'application/grpc', te: 'trailers' };
      this.codecs.set(name, { method: name, headers, requestType, responseType });
    }
  }

  /** Calls `method` with `request`; rejects with a GrpcCallError on a non-OK status (CANCELLED if `signal` aborted it). */
  call<M extends MethodName>(method: M, request: RequestOf<M>, signal?: AbortSignal): Promise<ResponseOf<M>> {
    const codec = this.codecs.get(method);
    if (!codec) return Promise.reject(new Error(`${SERVICE} has no method ${method}`));
    if (signal?.aborted) return Promise.reject(new GrpcCallError(Status.CANCELLED, 'call cancelled before it started', method));
    let stream: http2.ClientHttp2Stream;
    let frame: Buffer;
    try {
      frame = frameMessage(codec.requestType.encode(request).finish());
      stream = this.session().request(codec.headers);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<ResponseOf<M>>((resolve, reject) => {
      const call = new Call(codec, stream, signal, resolve as (v: unknown) => void, reject);
      (stream as CallStream)[CALL] = call;
      stream.on('response', onResponse);
      stream.on('data', onData);
      stream.on('trailers', onTrailers);
      stream.on('error', onError);
      stream.on('close', onClose);
      signal?.addEventListener('abort', call);
      stream.end(frame);
    });
  }

  /** Closes the sessions once their calls in flight are answered (abort pending long polls first). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.sessions.map((s, i) => {
        this.sessions[i] = null;
        if (!s || s.destroyed) return undefined;
        return new Promise<void>((resolve) => s.close(() => resolve()));
      }),
    );
  }

  /** The next session round-robin, (re)connected if it is missing or going away. */
  private session(): http2.ClientHttp2Session {
    if (this.closed) throw new Error('LeanGrpcClient is closed');
    const i = this.next;
    this.next = (i + 1) % this.sessions.length;
    let s = this.sessions[i];
    if (s && !s.closed && !s.destroyed) return s;
    const { host, port } = this;
    s = http2.connect(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, {
      // Small requests go out at once (no Nagle delay); many concurrent long polls on one session.
      createConnection: () => netConnect({ host, port, noDelay: true }),
      maxSessionMemory: 256,
    });
    s.on('error', () => {}); // its calls fail on their own streams; the next call reconnects
    this.sessions[i] = s;
    return s;
  }
}
