/**
 * Service wiring: every method of a service is registered; missing handlers answer UNIMPLEMENTED naming the
 * method; DevServerError → status + google.rpc.Status details; anything else → INTERNAL (never a crash).
 */
import { DevServerError, UnimplementedError, type RpcHandler } from './errors';
import { google, serviceMethods } from './proto';
import { RpcStatus, type GrpcServer } from './transport/grpc-server';
import { Status } from './transport/grpc-wire';

export interface Logger {
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (m, e) => console.log(`[devserver] ${m}`, e ?? ''),
  warn: (m, e) => console.warn(`[devserver] ${m}`, e ?? ''),
  error: (m, e) => console.error(`[devserver] ${m}`, e ?? ''),
};

function statusDetailsBin(err: DevServerError): Uint8Array | undefined {
  if (!err.details) return undefined;
  const status = google.rpc.Status.fromObject({
    code: err.status,
    message: err.message,
    details: [{ type_url: err.details.typeUrl, value: err.details.value }],
  });
  return google.rpc.Status.encode(status).finish();
}

/** A DevServerError as the gRPC status (and google.rpc.Status details) the SDK expects. */
export function toRpcStatus(err: DevServerError): RpcStatus {
  return new RpcStatus(err.status, err.message, statusDetailsBin(err));
}

/**
 * A value from the request the database refused as data (SQLSTATE class 22: a malformed uuid, a NUL byte in text,
 * a number or date out of range): the caller's input is invalid, whatever check missed it — never INTERNAL.
 */
function invalidDataOf(err: unknown): string | null {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, i = 0; e && i < 3; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) return `invalid value in the request: ${String(e.message ?? e.code)}`;
  }
  return null;
}

/** The signal of handlers that never wait (they ignore it). */
const NEVER_ABORTED = new AbortController().signal;

export function addService(
  server: GrpcServer,
  serviceName: string,
  handlers: object,
  onRpc?: (method: string, ms: number, ok: boolean) => void,
): void {
  for (const { name, requestType, responseType } of serviceMethods(serviceName)) {
    // The wire decoder boundary: the request is the method's own decoded message type.
    const handler = (handlers as Record<string, RpcHandler<unknown> | undefined>)[name];
    const call = async (request: unknown, signal: AbortSignal | undefined) => {
      try {
        if (!handler) throw new UnimplementedError(`${serviceName.split('.').pop()}/${name}`);
        return await handler(request, signal ?? NEVER_ABORTED);
      } catch (err) {
        if (err instanceof DevServerError) throw toRpcStatus(err);
        const invalid = invalidDataOf(err);
        if (invalid) throw new RpcStatus(Status.INVALID_ARGUMENT, invalid);
        throw err;
      }
    };
    server.add(serviceName, name, {
      decode: (bytes) => requestType.decode(bytes),
      encode: (response) => responseType.encode(responseType.fromObject(response as object)).finish(),
      // Only handlers that take the signal (long polls) pay for an AbortController and its listeners.
      wantsSignal: !!handler && handler.length >= 2,
      handle: onRpc
        ? async (request, signal) => {
            const t0 = performance.now();
            try {
              const res = await call(request, signal);
              onRpc(name, performance.now() - t0, true);
              return res;
            } catch (err) {
              onRpc(name, performance.now() - t0, false);
              throw err;
            }
          }
        : call,
    });
  }
}
