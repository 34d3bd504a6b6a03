/** Request and response schemas of the HTTP API: validated input, documented output (served at /openapi.json). */
import { z } from '@hono/zod-openapi';

const fieldValue = z.union([z.string().max(500), z.number(), z.boolean()]);
/** Dotted field names as procedures declare them, e.g. "child.fullName". */
const fieldName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/, 'a dotted field name like child.fullName');
export const fieldsSchema = z.record(fieldName, fieldValue).openapi('Fields');

export const personalIdSchema = z.string().regex(/^\d{12}$/, '12 digits');

export const actorSchema = z
  .object({
    kind: z.enum(['citizen', 'officer', 'system']),
    id: z.string().min(1).max(100),
    agency: z.enum(['justice', 'police', 'vss', 'tax', 'labour']).optional(),
  })
  .openapi('Actor');

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

export const provideDataSchema = z.object({ actor: actorSchema, fields: fieldsSchema }).openapi('ProvideData');

export const sendEventSchema = z
  .object({
    type: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an event type like APPROVE'),
    actor: actorSchema,
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
export type Actor = z.infer<typeof actorSchema>;
