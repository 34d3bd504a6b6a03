/**
 * Read-model routes: case lists (a citizen's cases, an agency's work queue, search), service-quality KPIs (JSON or
 * CSV, and their daily snapshots), a person's access log and Prometheus /metrics. Every answer comes from the read
 * model: no workflow is woken. Who may call each route is declared in api/app.ts (`readModelAccess`); each handler
 * pins its query's scope to the principal (api/auth/list-scope.ts) before calling a query module.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Executor } from '../db/connection';
import { listCases, listPersonCases, listWorkQueue, MAX_PAGE_SIZE } from '../db/engine/case-lists';
import { computeKpis, KPI_GROUPS, kpisToCsv } from '../db/engine/kpis';
import { listKpiSnapshots } from '../db/engine/kpi-snapshots';
import { listAccessLog } from '../db/engine/audit-queries';
import { CASE_VIEW_STATUSES } from '../db/engine/read-model-schema';
import { agencyIdSchema as agency, errorSchema, personalIdSchema } from './schemas';
import { invalidInputHook } from './errors';
import { createReadModelMetrics } from './read-model-metrics';
import { principalOf } from './auth/route-policy';
import { pinCaseSearch, pinJurisdiction, pinKpiAgency, requireOwnAgency, requireSelfOrStaff } from './auth/list-scope';
import { AgencyNotPrincipalError } from './errors';

const json = (schema: z.ZodType, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = {
  400: json(errorSchema, 'Invalid input'),
  401: json(errorSchema, 'No valid bearer token'),
  403: json(errorSchema, 'Outside the principal\'s scope (ROLE_REQUIRED, PERSON_NOT_PRINCIPAL, AGENCY_NOT_PRINCIPAL, OUTSIDE_JURISDICTION)'),
};
const bearer = [{ bearerAuth: [] as string[] }];

const isoInstant = z.iso.datetime({ offset: true });
const cursor = z.string().max(500).regex(/^[A-Za-z0-9_-]+$/, 'a cursor returned by this list');
const limit = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50);
const code = (digits: number) => z.string().regex(new RegExp(`^\\d{${digits}}$`), `${digits} digits`);
const procedureId = z.string().regex(/^[a-z0-9-]{1,80}$/);

const caseItem = z
  .object({
    caseId: z.string(),
    procedureId: z.string(),
    procedureVersion: z.number(),
    status: z.enum(CASE_VIEW_STATUSES),
    outcome: z.string().nullable(),
    activeStates: z.array(z.string()),
    receivedAt: z.string(),
    settledAt: z.string().nullable(),
    deadlineAt: z.string().nullable(),
    overdue: z.boolean(),
    provinceCode: z.string().nullable(),
    communeCode: z.string().nullable(),
  })
  .openapi('CaseListItem');
const page = (item: z.ZodType, name: string) => z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
const workItem = z
  .object({
    caseId: z.string(),
    procedureId: z.string(),
    events: z.array(z.string()),
    since: z.string(),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
    provinceCode: z.string().nullable(),
    communeCode: z.string().nullable(),
  })
  .openapi('WorkItem');
const kpiRow = z.object({ group: z.string() }).catchall(z.unknown()).openapi('KpiRow');
const accessEntry = z
  .object({
    id: z.number(),
    at: z.string(),
    kind: z.string(),
    registry: z.string(),
    operation: z.string(),
    fields: z.array(z.string()),
    outcome: z.string(),
    agency: z.string(),
    actor: z.string(),
    purpose: z.string(),
    legalBasis: z.string(),
    caseId: z.string(),
    procedureId: z.string(),
  })
  .openapi('AccessLogEntry');

const personParam = z.object({ personalId: personalIdSchema.openapi({ param: { name: 'personalId', in: 'path' } }) });
const kpiQuery = z
  .object({
    agency: agency.optional(),
    procedureId: procedureId.optional(),
    provinceCode: code(2).optional(),
    communeCode: code(5).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    groupBy: z.enum(KPI_GROUPS).optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

/** The read-model routes, declared as data; api/app.ts gives each its access policy. */
export const readModelRoutes = {
  searchCases: createRoute({
    method: 'get',
    security: bearer,
    path: '/cases',
    request: {
      query: z
        .object({
          procedureId: procedureId.optional(),
          status: z.enum(CASE_VIEW_STATUSES).optional(),
          outcome: z.string().max(80).optional(),
          provinceCode: code(2).optional(),
          communeCode: code(5).optional(),
          receivedFrom: isoInstant.optional(),
          receivedTo: isoInstant.optional(),
          overdue: z.enum(['true', 'false']).optional(),
          cursor: cursor.optional(),
          limit,
        })
        .strict(),
    },
    responses: { 200: json(page(caseItem, 'CasePage'), 'Cases, newest first'), ...errors },
  }),
  personCases: createRoute({
    method: 'get',
    security: bearer,
    path: '/people/{personalId}/cases',
    request: { params: personParam, query: z.object({ cursor: cursor.optional(), limit }).strict() },
    responses: {
      200: json(page(caseItem.extend({ roles: z.array(z.string()) }), 'PersonCasePage'), 'The cases a person applied for or is a party to, newest first'),
      ...errors,
    },
  }),
  workQueue: createRoute({
    method: 'get',
    security: bearer,
    path: '/agencies/{agency}/work-queue',
    request: {
      params: z.object({ agency: agency.openapi({ param: { name: 'agency', in: 'path' } }) }),
      query: z
        .object({ provinceCode: code(2).optional(), communeCode: code(5).optional(), procedureId: procedureId.optional(), cursor: cursor.optional(), limit })
        .strict(),
    },
    responses: { 200: json(page(workItem, 'WorkQueuePage'), 'Cases awaiting the agency, earliest legal deadline first'), ...errors },
  }),
  kpis: createRoute({
    method: 'get',
    security: bearer,
    path: '/kpis',
    request: { query: kpiQuery },
    responses: {
      200: {
        content: { 'application/json': { schema: z.object({ rows: z.array(kpiRow) }) }, 'text/csv': { schema: z.string() } },
        description: 'Service-quality indicators (docs/read-model.md), overall or grouped',
      },
      ...errors,
    },
  }),
  kpiSnapshots: createRoute({
    method: 'get',
    security: bearer,
    path: '/kpis/snapshots',
    request: {
      query: z
        .object({ from: z.iso.date().optional(), to: z.iso.date().optional(), groupBy: z.enum(['all', ...KPI_GROUPS]).optional() })
        .strict(),
    },
    responses: { 200: json(z.object({ snapshots: z.array(z.record(z.string(), z.unknown())) }), 'Daily KPI snapshots'), ...errors },
  }),
  accessLog: createRoute({
    method: 'get',
    security: bearer,
    path: '/people/{personalId}/access-log',
    request: {
      params: personParam,
      query: z.object({ from: isoInstant.optional(), to: isoInstant.optional(), cursor: z.string().regex(/^\d{1,18}$/).optional(), limit }).strict(),
    },
    responses: {
      200: json(
        z.object({ personalId: z.string(), entries: z.array(accessEntry), nextCursor: z.string().nullable() }).openapi('AccessLog'),
        'Every registry read and write of the person\'s data and every view of it, newest first',
      ),
      ...errors,
    },
  }),
  metrics: createRoute({
    method: 'get',
    security: bearer,
    path: '/metrics',
    responses: { 200: { content: { 'text/plain': { schema: z.string() } }, description: 'Prometheus metrics' } },
  }),
};

export interface ReadModelRouteDeps {
  db: Executor;
  now?: () => Date;
}

export function createReadModelRoutes(deps: ReadModelRouteDeps): OpenAPIHono {
  const now = deps.now ?? (() => new Date());
  const app = new OpenAPIHono({ defaultHook: invalidInputHook });
  const metrics = createReadModelMetrics(deps.db, now);

  app.openapi(readModelRoutes.searchCases, async (c) => {
    const { overdue, ...q } = c.req.valid('query');
    const scoped = pinCaseSearch(principalOf(c), q);
    const result = await listCases(deps.db, { ...scoped, ...(overdue === undefined ? {} : { overdue: overdue === 'true' }), now: now() });
    return c.json(result, 200);
  });
  app.openapi(readModelRoutes.personCases, async (c) => {
    const { personalId } = c.req.valid('param');
    requireSelfOrStaff(principalOf(c), personalId);
    return c.json(await listPersonCases(deps.db, { personalId, ...c.req.valid('query'), now: now() }), 200);
  });
  app.openapi(readModelRoutes.workQueue, async (c) => {
    const { agency: id } = c.req.valid('param');
    const principal = principalOf(c);
    requireOwnAgency(principal, id);
    const q = pinJurisdiction(principal, c.req.valid('query'));
    return c.json(await listWorkQueue(deps.db, { agency: id, ...q, now: now() }), 200);
  });
  app.openapi(readModelRoutes.kpis, async (c) => {
    const { format, ...q } = c.req.valid('query');
    const rows = await computeKpis(deps.db, { ...pinKpiAgency(principalOf(c), q), now: now() });
    if (format === 'csv') return c.body(kpisToCsv(rows), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="kpis.csv"' });
    return c.json({ rows }, 200);
  });
  app.openapi(readModelRoutes.kpiSnapshots, async (c) => {
    const q = c.req.valid('query');
    const p = principalOf(c);
    // An officer's history is their agency's row of the per-agency snapshots.
    if (p.kind !== 'officer') return c.json({ snapshots: await listKpiSnapshots(deps.db, q) }, 200);
    if (q.groupBy !== undefined && q.groupBy !== 'agency') throw new AgencyNotPrincipalError(`all ${q.groupBy}s`);
    return c.json({ snapshots: await listKpiSnapshots(deps.db, { ...q, groupBy: 'agency', groupKey: p.agency }) }, 200);
  });
  app.openapi(readModelRoutes.accessLog, async (c) => {
    const { personalId } = c.req.valid('param');
    requireSelfOrStaff(principalOf(c), personalId);
    const { cursor: before, limit: size, ...period } = c.req.valid('query');
    const entries = await listAccessLog(deps.db, { personalId, ...period, ...(before ? { before: Number(before) } : {}), limit: size + 1 });
    const items = entries.slice(0, size);
    return c.json({ personalId, entries: items, nextCursor: entries.length > size ? String(items.at(-1)!.id) : null }, 200);
  });
  app.openapi(readModelRoutes.metrics, async (c) => c.text(await metrics.render(), 200, { 'content-type': metrics.contentType }));
  return app;
}
