/** Serves the HTTP API on Node; used by scripts/api.ts and the all-in-one start. */
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from './app';
import type { CaseService } from './case-service';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export function serveApi(service: CaseService, opts: { port: number; hostname?: string } & AppOptions): Promise<RunningApi> {
  const app = createApp(service, {
    ops: opts.ops,
    readModel: opts.readModel,
    console: opts.console,
    codec: opts.codec,
    security: { clientAddress: (c) => getConnInfo(c).remote.address ?? 'unknown', ...opts.security },
  });
  const hostname = opts.hostname ?? '127.0.0.1';
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch: app.fetch, port: opts.port, hostname }, (info: AddressInfo) => {
      resolve({
        url: `http://${hostname}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
