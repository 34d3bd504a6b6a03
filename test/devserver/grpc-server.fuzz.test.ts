/**
 * Fuzzing the devserver's gRPC server: random bytes as gRPC frames (raw HTTP/2), truncated and oversized frames,
 * wrong content types and encodings, and well-typed requests (encoded with @temporalio/proto) full of nonsense for
 * every WorkflowService and OperatorService method. The server never crashes (a healthy call works after each
 * case), always answers with a grpc-status, never UNKNOWN, and never INTERNAL for a request it could decode; error
 * details, when sent, are a google.rpc.Status with the same code.
 */
import http2 from 'node:http2';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../devserver/index';
import { google, serviceMethods } from '../../devserver/proto';
import { Status } from '../../devserver/transport/grpc-wire';
import { freshDatabase } from './helpers';
import { fuzzParams, within } from '../support/fuzz-config';
import { frame, rawCall, type RawAnswer } from './grpc-raw-client';
import { messageArbitrary } from './proto-arbitrary';

const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
const OPERATOR_SERVICE = 'temporal.api.operatorservice.v1.OperatorService';
const MAX_MESSAGE_BYTES = 64 * 1024;
const CALL_TIMEOUT_MS = 15_000;

let server: DevServer;
let session: http2.ClientHttp2Session;
let drop: () => Promise<void>;
const internalErrors: string[] = [];
let workflowId: string;
let runId: string;

beforeAll(async () => {
  const database = await freshDatabase('grpc-fuzz');
  drop = database.drop;
  server = await startDevServer({
    db: database.db,
    port: 0,
    longPollTimeoutMs: 200,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    logger: { info() {}, warn() {}, error: (m: string, e?: unknown) => internalErrors.push(`${m} ${(e as Error)?.stack ?? e ?? ''}`) },
  });
  session = http2.connect(`http://${server.address}`);
  session.on('error', () => {});
  // A workflow that exists (no worker runs it): requests naming it reach deeper than NOT_FOUND.
  const connection = await Connection.connect({ address: server.address });
  workflowId = 'fuzz-target';
  const started = await connection.workflowService.startWorkflowExecution({
    namespace: 'default',
    workflowId,
    workflowType: { name: 'fuzzWorkflow' },
    taskQueue: { name: 'fuzz-queue' },
    requestId: 'fuzz-start',
  });
  runId = started.runId!;
  await connection.close();
});
afterAll(async () => {
  session?.destroy();
  await server?.stop();
  await drop?.();
});

/** The server still answers a healthy call on a fresh connection. */
async function healthy(): Promise<void> {
  const s = http2.connect(`http://${server.address}`);
  s.on('error', () => {});
  try {
    const req = google.protobuf.Empty; // GetSystemInfoRequest has no fields
    const answer = await within(CALL_TIMEOUT_MS, 'healthy call', rawCall(s, `/${WORKFLOW_SERVICE}/GetSystemInfo`, frame(req.encode({}).finish())));
    expect(answer.grpcStatus).toBe(Status.OK);
  } finally {
    s.destroy();
  }
}

function checkAnswer(answer: RawAnswer, decodable: boolean) {
  if (answer.httpStatus === 415) return; // not a gRPC request at all
  expect(answer.httpStatus).toBe(200);
  expect(answer.grpcStatus, answer.grpcMessage).not.toBeNull();
  expect(answer.grpcStatus, answer.grpcMessage).not.toBe(Status.UNKNOWN);
  if (decodable) expect(answer.grpcStatus, `INTERNAL: ${answer.grpcMessage}\n${internalErrors.at(-1) ?? ''}`).not.toBe(Status.INTERNAL);
  if (answer.detailsBin) {
    const details = google.rpc.Status.decode(answer.detailsBin);
    expect(details.code).toBe(answer.grpcStatus);
    for (const d of details.details ?? []) expect(d.type_url).toMatch(/^type\.googleapis\.com\/temporal\.api\.errordetails\.v1\./);
  }
}

const methods = [...serviceMethods(WORKFLOW_SERVICE).map((m) => ({ service: WORKFLOW_SERVICE, ...m })), ...serviceMethods(OPERATOR_SERVICE).map((m) => ({ service: OPERATOR_SERVICE, ...m }))];

describe('gRPC server fuzzing', () => {
  it('random frames: bytes, truncated and oversized lengths, bad compression, wrong content types and paths', async () => {
    const paths = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...methods.map((m) => `/${m.service}/${m.name}`)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `/${encodeURIComponent(s)}`) },
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => frame(b)),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), // no valid frame at all
      fc.tuple(fc.uint8Array({ maxLength: 100 }), fc.nat({ max: 2 ** 32 - 1 })).map(([b, len]) => {
        const f = frame(b);
        f.writeUInt32BE(len, 1); // declared length ≠ actual (truncated or absurd)
        return f;
      }),
      fc.uint8Array({ maxLength: 100 }).map((b) => frame(b, true)), // flagged compressed, not compressed
      fc.uint8Array({ maxLength: 100 }).map((b) => frame(gzipSync(Buffer.from(b)), true)),
      fc.constant(frame(gzipSync(Buffer.alloc(MAX_MESSAGE_BYTES * 4)), true)), // a gzip bomb past the limit
      fc.constant(frame(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x0a))),
      fc.tuple(fc.uint8Array({ maxLength: 50 }), fc.uint8Array({ maxLength: 50 })).map(([a, b]) => Buffer.concat([frame(a), frame(b)])), // two messages
    );
    const headers = fc.record(
      {
        'content-type': fc.constantFrom('application/grpc', 'application/grpc+proto', 'application/grpc+json', 'application/json', 'text/plain'),
        'grpc-encoding': fc.constantFrom('gzip', 'deflate', 'identity', 'snappy', 'br'),
        'grpc-timeout': fc.constantFrom('1S', '100m', 'bogus', '99999999H'),
        authorization: fc.constantFrom('Bearer x', 'Basic y'),
      },
      { requiredKeys: ['content-type'] },
    );
    await fc.assert(
      fc.asyncProperty(paths, body, headers, async (path, b, h) => {
        const answer = await within(CALL_TIMEOUT_MS, path, rawCall(session, path, b, h));
        checkAnswer(answer, false);
      }),
      fuzzParams(300),
    );
    await healthy();
    expect(internalErrors).toEqual([]);
  });

  it('well-typed requests with nonsense values for every method: a proper status, never UNKNOWN or INTERNAL', async () => {
    const strings = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('default', workflowId, runId, 'fuzz-queue', 'fuzzWorkflow', '') },
      { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.constantFrom('x'.repeat(3000), 'WorkflowId = "x" AND', "ExecutionStatus = 'Running' ORDER BY StartTime", '* * * * *', 'nope-namespace', '\u0000') },
    );
    const request = fc.constantFrom(...methods).chain((m) => messageArbitrary(m.requestType, strings).map((obj) => ({ m, obj })));
    await fc.assert(
      fc.asyncProperty(request, async ({ m, obj }) => {
        let bytes: Uint8Array;
        try {
          bytes = m.requestType.encode(m.requestType.fromObject(obj)).finish();
        } catch {
          return; // not encodable (e.g. a NaN where protobufjs wants an integer): nothing to send
        }
        const answer = await within(CALL_TIMEOUT_MS, `${m.name} ${JSON.stringify(obj).slice(0, 300)}`, rawCall(session, `/${m.service}/${m.name}`, frame(bytes)));
        checkAnswer(answer, true);
      }),
      fuzzParams(400),
    );
    await healthy();
    expect(internalErrors).toEqual([]);
  });
});
