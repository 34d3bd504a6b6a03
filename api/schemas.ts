/** Request and response schemas of the HTTP API: validated input, documented output (served at /openapi.json). */
import { z } from '@hono/zod-openapi';
import {
  EVENT_DATA_MAX_KEYS,
  EVENT_LIST_MAX_ITEMS,
  EVENT_TEXT_MAX_CHARS,
  FIELD_VALUE_MAX_CHARS,
  FIELDS_MAX_COUNT,
} from '../domain/limits';
import type { AgencyId } from '../domain/registries';
import { AGENCY_IDS } from '../agencies/index';

/** An agency of the list (agencies/index.ts). */
export const agencyIdSchema = z.enum(AGENCY_IDS as [AgencyId, ...AgencyId[]]);

const fieldValue = z.union([z.string().max(FIELD_VALUE_MAX_CHARS), z.number(), z.boolean()]);
/** Dotted field names as procedures declare them, e.g. "child.fullName". */
const fieldName = z
  .string()
  .max(100)
  .regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/, 'a dotted field name like child.fullName');
const atMostKeys = (max: number) => (r: Record<string, unknown>) => Object.keys(r).length <= max;
export const fieldsSchema = z
  .record(fieldName, fieldValue)
  .refine(atMostKeys(FIELDS_MAX_COUNT), `at most ${FIELDS_MAX_COUNT} fields`)
  .openapi('Fields');

/** Event data: free text (a reason), a list of names (missing fields, documents), or corrected fields. */
const eventDataValue = z.union([
  z.string().max(EVENT_TEXT_MAX_CHARS),
  z.array(z.string().max(FIELD_VALUE_MAX_CHARS)).max(EVENT_LIST_MAX_ITEMS),
  z.number(),
  z.boolean(),
  fieldsSchema,
]);

export const personalIdSchema = z.string().regex(/^\d{12}$/, '12 digits');

export const submitApplicationSchema = z
  .object({
    procedureId: z.string().min(1).max(100),
    channel: z.enum(['portal', 'vneid', 'counter']).default('portal'),
    applicant: z
      .object({
        personalId: personalIdSchema,
        /** Never needed: the name comes from the population register. When given, it must match it. */
        fullName: z.string().min(1).max(200).optional(),
      })
      .strict(),
    fields: fieldsSchema.default({}),
  })
  .strict()
  .openapi('SubmitApplication');

/** Who acts is the bearer token's principal: a body `actor` is refused (400 BODY_ACTOR_REFUSED), never trusted. */
const refusedActor = z.unknown().optional().openapi({ description: 'Refused: who acts is taken from the bearer token.' });

export const provideDataSchema = z.object({ actor: refusedActor, fields: fieldsSchema }).strict().openapi('ProvideData');

export const sendEventSchema = z
  .object({
    type: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an event type like APPROVE'),
    actor: refusedActor,
    data: z
      .record(z.string().max(100), eventDataValue)
      .refine(atMostKeys(EVENT_DATA_MAX_KEYS), `at most ${EVENT_DATA_MAX_KEYS} keys`)
      .default({}),
  })
  .strict()
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
