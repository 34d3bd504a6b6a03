/**
 * The codec endpoint: Temporal's codec-server protocol, so the Temporal UI / CLI (`--codec-endpoint`) and the ops
 * CLI without the keys can read encrypted payloads. `POST /codec/encode` and `POST /codec/decode` take and answer
 * `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }` (the `X-Namespace` header names the namespace).
 * Operators and auditors only (api/app.ts); the body is size-limited like every request; every decode is written
 * to the access log as a view of personal data (registry `payloadCodec`, operation `decode`, who, how many).
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { PayloadCodec } from '@temporalio/common';
import type { Executor } from '../db/connection';
import { auditLog } from '../db/engine/schema';
import { principalLabel } from '../identity/claims';
import { payloadFromJson, payloadToJson } from '../worker/codec/remote-codec';
import { PayloadDecryptionError } from '../worker/codec/encryption-codec';
import { principalOf } from './auth/route-policy';
import { CodecUnavailableError, invalidInputHook, PayloadUndecodableError } from './errors';
import { errorSchema } from './schemas';

export const CODEC_MAX_PAYLOADS = 1000;
const NAMESPACE = /^[A-Za-z0-9._-]{1,200}$/;

const payloadsBody = z
  .object({
    payloads: z
      .array(
        z
          .object({
            metadata: z.record(z.string().max(200), z.string().max(4096)).optional(),
            data: z.string().optional(),
          })
          .strict(),
      )
      .max(CODEC_MAX_PAYLOADS),
  })
  .strict();

const json = (schema: z.ZodType, description: string) => ({ content: { 'application/json': { schema } }, description });
const route = (op: 'encode' | 'decode') =>
  createRoute({
    method: 'post',
    path: `/codec/${op}`,
    security: [{ bearerAuth: [] }],
    request: {
      headers: z.object({ 'x-namespace': z.string().regex(NAMESPACE).optional() }),
      body: { content: { 'application/json': { schema: payloadsBody } }, required: true },
    },
    responses: {
      200: json(payloadsBody, `The payloads ${op}d (Temporal codec-server protocol)`),
      400: json(errorSchema, 'Invalid input'),
      401: json(errorSchema, 'No valid bearer token'),
      403: json(errorSchema, 'Operators and auditors only (ROLE_REQUIRED)'),
      413: json(errorSchema, 'Body too large'),
      422: json(errorSchema, 'A payload could not be decrypted (PAYLOAD_UNDECODABLE)'),
      503: json(errorSchema, 'This API holds no payload keys (CODEC_UNAVAILABLE)'),
    },
  });
export const codecRoutes = { codecEncode: route('encode'), codecDecode: route('decode') };

export function createCodecRoutes(deps: { codec?: PayloadCodec; db: Executor; now?: () => Date }): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: invalidInputHook });
  const now = deps.now ?? (() => new Date());
  const codecOf = () => {
    if (!deps.codec) throw new CodecUnavailableError();
    return deps.codec;
  };
  app.openapi(codecRoutes.codecEncode, async (c) => {
    const payloads = await codecOf().encode(c.req.valid('json').payloads.map(payloadFromJson));
    return c.json({ payloads: payloads.map(payloadToJson) }, 200);
  });
  app.openapi(codecRoutes.codecDecode, async (c) => {
    const codec = codecOf();
    const { payloads } = c.req.valid('json');
    const namespace = c.req.valid('header')['x-namespace'] ?? 'default';
    const principal = principalOf(c);
    let decoded;
    try {
      decoded = await codec.decode(payloads.map(payloadFromJson));
    } catch (e) {
      if (e instanceof PayloadDecryptionError) throw new PayloadUndecodableError(e.message);
      throw e;
    }
    // A view of personal data: who decoded how many payloads of which namespace (the payloads name no case).
    await deps.db.insert(auditLog).values({
      at: now().toISOString(),
      registry: 'payloadCodec',
      operation: 'decode',
      kind: 'view',
      subjectId: null,
      fields: [`payloads=${payloads.length}`, `namespace=${namespace}`],
      outcome: 'ok',
      procedureId: '-',
      procedureVersion: 0,
      caseId: '-',
      agency: 'ops',
      purpose: 'decode workflow payloads (codec endpoint)',
      legalBasis: 'Operator or auditor access to workflow histories (docs/encryption.md)',
      actor: principalLabel(principal),
    });
    return c.json({ payloads: decoded.map(payloadToJson) }, 200);
  });
  return app;
}
