/**
 * grpc-js wiring: every method of a service is registered; missing handlers answer UNIMPLEMENTED naming the
 * method; DevServerError → status + google.rpc.Status details; anything else → INTERNAL (never a crash).
 */
import * as grpc from '@grpc/grpc-js';
import { DevServerError, GrpcStatus, UnimplementedError, type RpcHandler } from './errors';
import { google, serviceDefinition } from './proto';

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

function statusDetailsBin(err: DevServerError): Buffer | undefined {
  if (!err.details) return undefined;
  const status = google.rpc.Status.fromObject({
    code: err.status,
    message: err.message,
    details: [{ type_url: err.details.typeUrl, value: err.details.value }],
  });
  return Buffer.from(google.rpc.Status.encode(status).finish());
}

/** The signal of handlers that never wait (they ignore it). */
const NEVER_ABORTED = new AbortController().signal;

export function addService(
  server: grpc.Server,
  serviceName: string,
  handlers: Record<string, RpcHandler>,
  logger: Logger,
  serverSignal: AbortSignal,
  onRpc?: (method: string, ms: number, ok: boolean) => void,
): void {
  const { definition, methods } = serviceDefinition(serviceName);
  const impl: grpc.UntypedServiceImplementation = {};
  for (const method of methods) {
    const handler = handlers[method];
    // Only handlers that take the signal (long polls) pay for an AbortController and its listeners.
    const wantsSignal = !!handler && handler.length >= 2;
    impl[method] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      let ac: AbortController | null = null;
      const onAbort = () => ac?.abort();
      if (wantsSignal) {
        ac = new AbortController();
        call.on('cancelled', onAbort);
        serverSignal.addEventListener('abort', onAbort, { once: true });
      }
      const t0 = onRpc ? performance.now() : 0;
      const run = async () => {
        if (!handler) throw new UnimplementedError(`${serviceName.split('.').pop()}/${method}`);
        return handler(call.request, ac?.signal ?? NEVER_ABORTED);
      };
      run().then(
        (res) => {
          if (ac) serverSignal.removeEventListener('abort', onAbort);
          onRpc?.(method, performance.now() - t0, true);
          callback(null, res);
        },
        (err: unknown) => {
          if (ac) serverSignal.removeEventListener('abort', onAbort);
          onRpc?.(method, performance.now() - t0, false);
          if (err instanceof DevServerError) {
            const metadata = new grpc.Metadata();
            const bin = statusDetailsBin(err);
            if (bin) metadata.set('grpc-status-details-bin', bin);
            callback({ code: err.status, details: err.message, metadata } as grpc.ServiceError, null);
            return;
          }
          logger.error(`${method} failed`, err);
          callback(
            { code: GrpcStatus.INTERNAL, details: `${method}: ${(err as Error)?.message ?? String(err)}` } as grpc.ServiceError,
            null,
          );
        },
      );
    };
  }
  server.addService(definition, impl);
}
