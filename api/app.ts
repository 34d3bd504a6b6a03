/**
 * The HTTP API: routes declared as data (zod-openapi) each with its access policy, validated input, one central
 * error handler. Every request passes the same guards (security headers, CORS, bearer-token authentication and the
 * route's policy — deny by default —, per-principal rate limits). Everything it does goes through a CaseService
 * (api/case-service.ts) acting as the verified principal, so tests drive it with `app.request()` against real parts.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { HTTP_BODY_MAX_BYTES } from '../domain/limits';
import { invalidInputHook, PayloadTooLargeError } from './errors';
import { CodedError, httpStatusOf } from '../domain/error-codes';
import type { CaseService } from './case-service';
import type { TokenVerifier } from '../identity/token-verifier';
import type { DevIdentityProvider } from '../identity/dev-identity-provider';
import { allow, authorizeRoutes, principalOf, PUBLIC, RoutePolicies, type RoutePolicy } from './auth/route-policy';
import { consoleCors, rateLimit, securityHeaders, type RateLimitOptions } from './http-guards';
import { mountDevLogin } from './dev-login';
import { readModelRoutes } from './read-model-routes';
import { createConsole, type ConsoleDeps } from '../web/console';
import { codecRoutes } from './codec-routes';
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
  401: json(errorSchema, 'No valid bearer token (TOKEN_MISSING, TOKEN_EXPIRED, TOKEN_WRONG_AUDIENCE…)'),
  403: json(errorSchema, 'The principal may not do this (ROLE_REQUIRED, APPLICANT_NOT_PRINCIPAL…)'),
  429: json(errorSchema, 'Too many requests (RATE_LIMITED); see Retry-After'),
  404: json(errorSchema, 'Not found'),
  409: json(errorSchema, 'Conflict with the case state'),
  413: json(errorSchema, `Larger than the size limits (body ${HTTP_BODY_MAX_BYTES} bytes); nothing was written`),
  422: json(errorSchema, 'Refused by a rule (e.g. once-only)'),
};

const bearer = [{ bearerAuth: [] as string[] }];

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
    security: bearer,
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
    security: bearer,
    request: { params: caseIdParam, body: { content: { 'application/json': { schema: provideDataSchema } }, required: true } },
    responses: { 200: json(anyObject, 'Data accepted; what is still missing'), ...errors },
  }),
  sendEvent: createRoute({
    method: 'post',
    path: '/cases/{caseId}/events',
    security: bearer,
    request: { params: caseIdParam, body: { content: { 'application/json': { schema: sendEventSchema } }, required: true } },
    responses: { 200: json(anyObject, 'Event accepted; the new case state'), ...errors },
  }),
  getCase: createRoute({
    method: 'get',
    path: '/cases/{caseId}',
    security: bearer,
    request: { params: caseIdParam },
    responses: { 200: json(anyObject, 'Case status with a timeline of steps and deadlines (from the read model)'), ...errors },
  }),
  getCaseAudit: createRoute({
    method: 'get',
    path: '/cases/{caseId}/audit',
    security: bearer,
    request: { params: caseIdParam },
    responses: { 200: json(anyObject, 'Every registry read and write made for the case: who, when, why'), ...errors },
  }),
};

/** Who may call each route (api/auth/route-policy.ts). A route missing here does not type-check. */
const access: Record<keyof typeof routes, RoutePolicy> = {
  health: PUBLIC,
  listProcedures: PUBLIC,
  getProcedure: PUBLIC,
  getProcedureDiagram: PUBLIC,
  submitApplication: allow('citizen'),
  provideData: allow('citizen'),
  sendEvent: allow('citizen', 'officer'),
  getCase: allow('citizen', 'officer', 'operator'),
  getCaseAudit: allow('citizen', 'auditor'),
};
/**
 * Who may call each read-model route (api/read-model-routes.ts); each handler then pins the list to the principal
 * (api/auth/list-scope.ts): a citizen's own cases and access log, an officer's agency and jurisdiction.
 */
const readModelAccess: Record<keyof typeof readModelRoutes, RoutePolicy> = {
  searchCases: allow('officer', 'operator', 'auditor'),
  personCases: allow('citizen', 'operator'),
  workQueue: allow('officer', 'operator'),
  kpis: allow('officer', 'operator', 'auditor'),
  kpiSnapshots: allow('officer', 'operator', 'auditor'),
  accessLog: allow('citizen', 'auditor'),
  metrics: allow('operator'),
};
/** The codec endpoint (api/codec-routes.ts): decoding shows personal data, so operators and auditors only. */
const codecAccess: Record<keyof typeof codecRoutes, RoutePolicy> = {
  codecEncode: allow('operator', 'auditor'),
  codecDecode: allow('operator', 'auditor'),
};
/** Operator views (ops/routes.ts), mounted under /ops. */
const OPS_POLICY = allow('operator');

function errorResponse(c: Context, err: unknown) {
  // The one place a code becomes an HTTP status (domain/error-codes.ts), whichever layer raised it.
  if (err instanceof CodedError) {
    return c.json({ error: { code: err.code, message: err.message, details: err.details } }, httpStatusOf(err.code));
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Raised by Hono itself, e.g. a body that is not JSON.
    const code = err.status === 400 ? 'INVALID_INPUT' : 'HTTP_ERROR';
    return c.json({ error: { code, message: err.message || 'Bad request' } }, err.status);
  }
  console.error('[api] unexpected error', err);
  return c.json({ error: { code: 'INTERNAL', message: 'Internal error; it has been logged.' } }, 500);
}

export interface ApiSecurityOptions {
  /** Verifies bearer tokens against the trusted issuers (identity/token-verifier.ts). */
  verify: TokenVerifier;
  /** `npm start` only: the local identity provider's JWKS and login page. */
  devIdentityProvider?: DevIdentityProvider;
  /** Origins of the console allowed to call the API from a browser (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** Default: 600 requests per minute per principal. */
  rateLimit?: RateLimitOptions;
  /** Where the console sends a browser to sign in (AUTH_CONFIG `console.signInUrl`); the local provider's page by default. */
  consoleSignInUrl?: string;
  /** The client's address, the rate-limit key of unauthenticated requests (Node: from the socket). */
  clientAddress?: (c: Context) => string;
}

export interface AppOptions {
  /** Read-only operator routes mounted under /ops (ops/routes.ts). */
  ops?: Hono;
  /** Read-model routes (lists, work queues, KPIs, access log, /metrics: api/read-model-routes.ts), mounted at the root. */
  readModel?: OpenAPIHono;
  /** The codec endpoint (`/codec/encode`, `/codec/decode`: api/codec-routes.ts), mounted at the root. */
  codec?: OpenAPIHono;
  security: ApiSecurityOptions;
  /** The web console at the site root (web/console.ts): its read model and clock; the rest is the API's own. */
  console?: Pick<ConsoleDeps, 'db' | 'now' | 'staff'>;
}

const policiesByApp = new WeakMap<object, RoutePolicies>();
/** The policies an app enforces (for tests that walk every registered route). */
export function routePoliciesOf(app: object): RoutePolicies {
  const p = policiesByApp.get(app);
  if (!p) throw new Error('not an app built by createApp');
  return p;
}

export function createApp(service: CaseService, options: AppOptions): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: invalidInputHook });

  app.onError((err, c) => errorResponse(c, err));
  // Checked while the body streams in (and from Content-Length at once), before any route reads it.
  app.use(
    '*',
    bodyLimit({
      maxSize: HTTP_BODY_MAX_BYTES,
      onError: (c) => errorResponse(c, new PayloadTooLargeError(`The request body is larger than ${HTTP_BODY_MAX_BYTES} bytes.`, { maxBytes: HTTP_BODY_MAX_BYTES })),
    }),
  );
  const { security } = options;
  const policies = new RoutePolicies();
  policiesByApp.set(app, policies);
  for (const [name, route] of Object.entries(routes)) policies.declare(route.method, route.path, access[name as keyof typeof routes]);
  policies.declare('GET', '/openapi.json', PUBLIC);
  policies.declarePrefix('/ops', OPS_POLICY);
  // The console's pages authenticate by its session cookie and apply their own declared policy (web/page.ts).
  const web = options.console && createConsole({ ...options.console, service, verify: security.verify, signInUrl: security.consoleSignInUrl ?? (security.devIdentityProvider ? '/auth/login' : undefined) });
  for (const r of web?.routes ?? []) policies.declare(r.method, r.path, PUBLIC);
  app.use('*', securityHeaders());
  app.use('*', consoleCors(security.corsOrigins ?? []));
  app.use('*', authorizeRoutes(policies, security.verify));
  if (web) app.use('*', web.session);
  app.use('*', rateLimit(security.rateLimit ?? { perMinute: 600 }, security.clientAddress ?? (() => 'unknown')));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
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
    const result = await service.submitApplication(principalOf(c), c.req.valid('json'), c.req.valid('header')['idempotency-key']);
    return c.json(result, result.duplicate ? 200 : 201);
  });
  app.openapi(routes.provideData, async (c) => {
    const { caseId } = c.req.valid('param');
    return c.json(await service.provideData(principalOf(c), caseId, c.req.valid('json')), 200);
  });
  app.openapi(routes.sendEvent, async (c) => {
    const { caseId } = c.req.valid('param');
    return c.json(await service.sendEvent(principalOf(c), caseId, c.req.valid('json')), 200);
  });
  app.openapi(routes.getCase, async (c) => c.json(await service.getCase(principalOf(c), c.req.valid('param').caseId), 200));
  app.openapi(routes.getCaseAudit, async (c) => c.json(await service.getCaseAudit(principalOf(c), c.req.valid('param').caseId), 200));

  if (options.ops) {
    // An operator's look at one case shows personal data: logged like any other view.
    app.use('/ops/cases/:caseId/*', async (c, next) => {
      await service.recordCaseView(principalOf(c), c.req.param('caseId') ?? '', `ops.${c.req.path.split('/').pop()}`);
      await next();
    });
    app.route('/ops', options.ops);
  }
  if (options.readModel) {
    for (const [name, route] of Object.entries(readModelRoutes)) policies.declare(route.method, route.path, readModelAccess[name as keyof typeof readModelRoutes]);
    app.route('/', options.readModel);
  }
  if (options.codec) {
    for (const [name, route] of Object.entries(codecRoutes)) policies.declare(route.method, route.path, codecAccess[name as keyof typeof codecRoutes]);
    app.route('/', options.codec);
  }
  if (security.devIdentityProvider) mountDevLogin(app, policies, security.devIdentityProvider);
  if (web) app.route('/', web.app);

  app.doc('/openapi.json', { openapi: '3.0.0', info: { title: 'Once-only procedures engine API', version: '0.1.0' } });
  return app;
}
