/**
 * The HTTP API: routes declared as data (zod-openapi), validated input, one central error handler.
 * Everything it does goes through a CaseService (api/case-service.ts), so tests drive it with `app.request()`
 * against real parts.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError, invalidInputHook } from './errors';
import type { CaseService } from './case-service';
import {
  caseIdParam,
  errorSchema,
  procedureIdParam,
  provideDataSchema,
  sendEventSchema,
  submitApplicationSchema,
} from './schemas';

const json = (schema: z.ZodType, description: string) => ({ content: { 'application/json': { schema } }, description });
const anyObject = z.record(z.string(), z.unknown());
const errors = {
  400: json(errorSchema, 'Invalid input'),
  404: json(errorSchema, 'Not found'),
  409: json(errorSchema, 'Conflict with the case state'),
  422: json(errorSchema, 'Refused by a rule (e.g. once-only)'),
};

const routes = {
  health: createRoute({
    method: 'get',
    path: '/health',
    responses: { 200: json(anyObject, 'Everything is up'), 503: json(anyObject, 'A dependency is down') },
  }),
  listProcedures: createRoute({
    method: 'get',
    path: '/procedures',
    responses: { 200: json(anyObject, 'The procedure catalog') },
  }),
  getProcedure: createRoute({
    method: 'get',
    path: '/procedures/{procedureId}',
    request: { params: procedureIdParam },
    responses: { 200: json(anyObject, 'A procedure: data fields and their sources, deadlines, events'), ...errors },
  }),
  getProcedureDiagram: createRoute({
    method: 'get',
    path: '/procedures/{procedureId}/diagram',
    request: { params: procedureIdParam, query: z.object({ format: z.enum(['mermaid', 'svg']).default('svg') }) },
    responses: {
      200: {
        content: { 'image/svg+xml': { schema: z.string() }, 'text/vnd.mermaid': { schema: z.string() } },
        description: 'The statechart with agencies, deadlines and data sources',
      },
      ...errors,
    },
  }),
  submitApplication: createRoute({
    method: 'post',
    path: '/applications',
    request: {
      body: { content: { 'application/json': { schema: submitApplicationSchema } }, required: true },
      headers: z.object({ 'idempotency-key': z.string().min(8).max(200).optional() }),
    },
    responses: {
      201: json(anyObject, 'Case opened: which fields came from which registry, which the applicant must still give'),
      200: json(anyObject, 'The same application was already submitted: the existing case'),
      ...errors,
    },
  }),
  provideData: createRoute({
    method: 'post',
    path: '/cases/{caseId}/data',
    request: { params: caseIdParam, body: { content: { 'application/json': { schema: provideDataSchema } }, required: true } },
    responses: { 200: json(anyObject, 'Data accepted; what is still missing'), ...errors },
  }),
  sendEvent: createRoute({
    method: 'post',
    path: '/cases/{caseId}/events',
    request: { params: caseIdParam, body: { content: { 'application/json': { schema: sendEventSchema } }, required: true } },
    responses: { 200: json(anyObject, 'Event accepted; the new case state'), ...errors },
  }),
  getCase: createRoute({
    method: 'get',
    path: '/cases/{caseId}',
    request: { params: caseIdParam },
    responses: { 200: json(anyObject, 'Case status with a timeline of steps and deadlines (from the read model)'), ...errors },
  }),
  getCaseAudit: createRoute({
    method: 'get',
    path: '/cases/{caseId}/audit',
    request: { params: caseIdParam },
    responses: { 200: json(anyObject, 'Every registry read and write made for the case: who, when, why'), ...errors },
  }),
};

function errorResponse(c: Context, err: unknown) {
  if (err instanceof ApiError) {
    return c.json({ error: { code: err.code, message: err.message, details: err.details } }, err.status);
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Raised by Hono itself, e.g. a body that is not JSON.
    const code = err.status === 400 ? 'INVALID_INPUT' : 'HTTP_ERROR';
    return c.json({ error: { code, message: err.message || 'Bad request' } }, err.status);
  }
  console.error('[api] unexpected error', err);
  return c.json({ error: { code: 'INTERNAL', message: 'Internal error; it has been logged.' } }, 500);
}

export interface AppOptions {
  /** Read-only operator routes mounted under /ops (ops/routes.ts). */
  ops?: Hono;
  /** Read-model routes (lists, work queues, KPIs, access log, /metrics: api/read-model-routes.ts), mounted at the root. */
  readModel?: OpenAPIHono;
}

export function createApp(service: CaseService, options: AppOptions = {}): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: invalidInputHook });

  app.onError((err, c) => errorResponse(c, err));
  app.notFound((c) => c.json({ error: { code: 'ROUTE_NOT_FOUND', message: `No route ${c.req.method} ${c.req.path}` } }, 404));

  app.openapi(routes.health, async (c) => {
    const health = await service.health();
    return c.json(health, health.status === 'ok' ? 200 : 503);
  });
  app.openapi(routes.listProcedures, (c) => c.json({ procedures: service.listProcedures() }, 200));
  app.openapi(routes.getProcedure, (c) => c.json(service.describeProcedure(c.req.valid('param').procedureId), 200));
  app.openapi(routes.getProcedureDiagram, (c) => {
    const { format } = c.req.valid('query');
    const diagram = service.diagram(c.req.valid('param').procedureId, format);
    return c.body(diagram.body, 200, { 'content-type': diagram.contentType });
  });
  app.openapi(routes.submitApplication, async (c) => {
    const result = await service.submitApplication(c.req.valid('json'), c.req.valid('header')['idempotency-key']);
    return c.json(result, result.duplicate ? 200 : 201);
  });
  app.openapi(routes.provideData, async (c) => {
    const { caseId } = c.req.valid('param');
    return c.json(await service.provideData(caseId, c.req.valid('json')), 200);
  });
  app.openapi(routes.sendEvent, async (c) => {
    const { caseId } = c.req.valid('param');
    return c.json(await service.sendEvent(caseId, c.req.valid('json')), 200);
  });
  app.openapi(routes.getCase, async (c) => c.json(await service.getCase(c.req.valid('param').caseId), 200));
  app.openapi(routes.getCaseAudit, async (c) => c.json(await service.getCaseAudit(c.req.valid('param').caseId), 200));

  if (options.ops) app.route('/ops', options.ops);
  if (options.readModel) app.route('/', options.readModel);

  app.doc('/openapi.json', { openapi: '3.0.0', info: { title: 'Once-only procedures engine API', version: '0.1.0' } });
  return app;
}
