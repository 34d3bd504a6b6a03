/** Request and response schemas of the HTTP API: validated input, documented output (served at /openapi.json). */
import { z } from '@hono/zod-openapi';

const fieldValue = z.union([z.string().max(500), z.number(), z.boolean()]);
/** Dotted field names as procedures declare them, e.g. "child.fullName". */
const fieldName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/, 'a dotted field name like child.fullName');
export const fieldsSchema = z.record(fieldName, fieldValue).openapi('Fields');

export const personalIdSchema = z.string().regex(/^\d{12}$/, '12 digits');

export const submitApplicationSchema = z
  .object({
    procedureId: z.string().min(1).max(100),
    channel: z.enum(['portal', 'vneid', 'counter']).default('portal'),
    applicant: z.object({
      personalId: personalIdSchema,
      fullName: z.string().min(1).max(200),
    }),
    fields: fieldsSchema.default({}),
  })
  .openapi('SubmitApplication');

/** Who acts is the bearer token's principal: a body `actor` is refused (400 BODY_ACTOR_REFUSED), never trusted. */
const refusedActor = z.unknown().optional().openapi({ description: 'Refused: who acts is taken from the bearer token.' });

export const provideDataSchema = z.object({ actor: refusedActor, fields: fieldsSchema }).openapi('ProvideData');

export const sendEventSchema = z
  .object({
    type: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an event type like APPROVE'),
    actor: refusedActor,
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .openapi('SendEvent');

export const caseIdParam = z.object({
  caseId: z.string().regex(/^[a-zA-Z0-9_-]{1,80}$/).openapi({ param: { name: 'caseId', in: 'path' } }),
});

export const procedureIdParam = z.object({
  procedureId: z.string().regex(/^[a-z0-9-]{1,80}$/).openapi({ param: { name: 'procedureId', in: 'path' } }),
});

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi('Error');

export type SubmitApplication = z.infer<typeof submitApplicationSchema>;
export type ProvideData = z.infer<typeof provideDataSchema>;
export type SendEvent = z.infer<typeof sendEventSchema>;
