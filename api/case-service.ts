/**
 * What the HTTP API does, behind one interface: open a case once-only (api/case-submission.ts), carry events and
 * missing data to the case workflow, and show a case's status, deadlines and audit trail. Real parts only: a
 * Temporal client, the registries database, audited adapters.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { Executor } from '../db/connection';
import { listAudit, listCaseViews } from '../db/engine/audit-queries';
import { hasRole, type Principal } from '../identity/claims';
import type { EventActor } from '../procedures/types';
import { createCaseGuard } from './auth/case-guard';
import { getCaseRecord } from '../db/engine/case-records';
import { checkCitizenAlive } from './receipt-checks';
import { listCaseDocuments } from '../db/registries/case-documents';
import type { AccessContext, Registries } from '../domain/registries';
import { CATALOG, listProcedures } from '../procedures/catalog';
import type { ProcedureDefinition } from '../procedures/types';
import type { CaseSnapshot } from '../workflows/definitions';
import { DataNotAcceptedError, getCaseSnapshot, provideCaseData, sendEvent } from '../workflows/case-client';
import {
  ActorNotAllowedError,
  ApiError,
  BodyActorRefusedError,
  RoleRequiredError,
  CaseNotAwaitingDataError,
  FieldNotMissingError,
  CaseNotFoundError,
  InvalidInputError,
  ServiceUnavailableError,
} from './errors';
import type { ProvideData, SendEvent, SubmitApplication } from './schemas';
import { previewApplication, type ApplicationPreview } from './application-preview';
import { procedureOrThrow, refusedFact, submitApplication, type SubmissionResult } from './case-submission';

export type { SubmissionResult };

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<'api' | 'database' | 'temporal', { ok: boolean; error?: string }>;
}


export interface CaseService {
  health(): Promise<HealthReport>;
  listProcedures(): unknown[];
  describeProcedure(id: string): Record<string, unknown>;
  diagram(id: string, format: DiagramFormat): { body: string; contentType: string };
  /** Every case method acts as `principal` (from the verified token): it sees only cases it may see (else 404). */
  submitApplication(principal: Principal, body: SubmitApplication, idempotencyKey?: string): Promise<SubmissionResult>;
  provideData(principal: Principal, caseId: string, body: ProvideData): Promise<Record<string, unknown>>;
  sendEvent(principal: Principal, caseId: string, body: SendEvent): Promise<Record<string, unknown>>;
  getCase(principal: Principal, caseId: string): Promise<Record<string, unknown>>;
  getCaseAudit(principal: Principal, caseId: string): Promise<Record<string, unknown>>;
  /** Logs a view of the case by an officer or staff member elsewhere (e.g. the operator views); 404 if not visible. */
  recordCaseView(principal: Principal, caseId: string, view: string): Promise<void>;
  /** What an application would use, before it is submitted (api/application-preview.ts): the console's preview step. */
  previewApplication(principal: Principal, body: { procedureId: string; fields: Record<string, unknown> }): Promise<ApplicationPreview>;
}

export type DiagramFormat = 'mermaid' | 'svg';

/** Renders a procedure's chart (designer/diagram.ts satisfies it); given by the composition root. */
export interface DiagramRenderer {
  renderDiagram(def: ProcedureDefinition, format: DiagramFormat): string;
  DIAGRAM_CONTENT_TYPES: Record<DiagramFormat, string>;
}

export interface CaseServiceDeps {
  client: Client;
  /** Registries + engine database (case records, audit log). */
  db: Executor;
  /** Audited registry adapters the receiving agency may read for prefill. */
  registries: Registries;
  clock?: () => Date;
  /** New case ids: random, never derived from the application (default: a random UUID). */
  newCaseId?: () => string;
  /** Procedure diagrams (GET /procedures/{id}/diagram); without it that route answers 503 SERVICE_UNAVAILABLE. */
  diagram?: DiagramRenderer;
}

/** Maps the case's refusal of submitted data to the HTTP error for that condition. */
function dataRefusalError(e: DataNotAcceptedError): ApiError {
  const details = { caseId: e.caseId, reason: e.reason };
  switch (e.reason) {
    case 'DATA_ALREADY_HELD':
    case 'UNKNOWN_FIELD':
      return new ApiError(e.reason, e.message, details);
    case 'ACTOR_NOT_ALLOWED':
      return new ActorNotAllowedError(e.message, details);
    case 'FIELD_NOT_MISSING':
      return new FieldNotMissingError(e.message, details);
    case 'INVALID_FIELD_VALUE':
    case 'INVALID_REQUEST':
      return new InvalidInputError(e.message, details);
    default:
      return new CaseNotAwaitingDataError(e.message, details);
  }
}

export function describeProcedureDefinition(def: ProcedureDefinition): Record<string, unknown> {
  return {
    id: def.id,
    version: def.version,
    title: def.title,
    legalBasis: def.legalBasis,
    agencies: def.agencies,
    data: def.data.map((d) => ({ field: d.name, type: d.type, required: d.required, source: d.source, mode: d.mode ?? 'collect', purpose: d.purpose, legalBasis: d.legalBasis })),
    deadlines: def.deadlines,
    events: def.events,
    services: def.services.map((s) => ({ name: s.name, agency: s.agency, description: s.description })),
    outcomes: def.outcomes,
  };
}

/** Who acts: the token's principal, never a body field. */
function actorOf(principal: Principal): EventActor {
  if (principal.kind === 'citizen') return { kind: 'citizen', id: principal.personalId };
  if (principal.kind === 'officer') return { kind: 'officer', id: principal.id, agency: principal.agency };
  throw new RoleRequiredError(['citizen', 'officer']);
}

function refuseBodyActor(body: { actor?: unknown }): void {
  if (body.actor !== undefined) throw new BodyActorRefusedError();
}

export function createCaseService(deps: CaseServiceDeps): CaseService {
  const clock = deps.clock ?? (() => new Date());
  const guard = createCaseGuard({ client: deps.client, db: deps.db, clock });
  const newCaseId = deps.newCaseId ?? randomUUID;

  /** A citizen recorded as deceased cannot act (apply, consent, confirm, supplement). */
  async function senderAlive(caseId: string, actor: EventActor): Promise<void> {
    if (actor.kind !== 'citizen') return;
    const record = await getCaseRecord(deps.db, caseId);
    const procedure = record ? { procedureId: record.procedureId, procedureVersion: record.procedureVersion } : await getCaseSnapshot(deps.client, caseId);
    const def = procedureOrThrow(procedure.procedureId);
    const ctx: AccessContext = {
      procedureId: procedure.procedureId,
      procedureVersion: procedure.procedureVersion,
      caseId,
      agency: def.agencies[0],
      purpose: 'check that the sender is not recorded as deceased',
      legalBasis: def.legalBasis[0],
      actor: `citizen:${actor.id}`,
    };
    await refusedFact(() => checkCitizenAlive(deps.registries, ctx, actor.id));
  }

  const procedureOf = (snap: CaseSnapshot) => ({ id: snap.procedureId, version: snap.procedureVersion });

  /** The read view of a case: the snapshot, with the outcome in one shape (name + documents issued). */
  async function caseView(caseId: string, snap: CaseSnapshot): Promise<Record<string, unknown>> {
    const outcome = snap.outcome === null ? null : { name: snap.outcome, documents: await listCaseDocuments(deps.db, caseId) };
    return { ...snap, outcome };
  }

  async function withCase<T>(caseId: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      // The case client's other refusals (CASE_NOT_FOUND, EVENT_NOT_ACCEPTED, PAYLOAD_TOO_LARGE, CASE_CLOSED) are
      // answered as they are; applicant data refused by the case has its reason as the code.
      if (e instanceof DataNotAcceptedError) throw dataRefusalError(e);
      throw e;
    }
  }

  return {
    async health() {
      const checks: HealthReport['checks'] = { api: { ok: true }, database: { ok: true }, temporal: { ok: true } };
      await Promise.all([
        deps.db.execute(sql`select 1`).catch((e: Error) => (checks.database = { ok: false, error: e.message })),
        deps.client.connection.workflowService
          .getSystemInfo({})
          .catch((e: Error) => (checks.temporal = { ok: false, error: e.message })),
      ]);
      return { status: Object.values(checks).every((c) => c.ok) ? 'ok' : 'degraded', checks };
    },

    listProcedures: () => listProcedures(CATALOG),

    describeProcedure: (id) => describeProcedureDefinition(procedureOrThrow(id)),

    diagram(id, format) {
      const def = procedureOrThrow(id);
      if (!deps.diagram) throw new ServiceUnavailableError('This API serves no procedure diagrams.');
      return { body: deps.diagram.renderDiagram(def, format), contentType: deps.diagram.DIAGRAM_CONTENT_TYPES[format] };
    },

    submitApplication: (principal, body, idempotencyKey) => submitApplication({ ...deps, clock, newCaseId }, principal, body, idempotencyKey),

    async provideData(principal, caseId, body) {
      refuseBodyActor(body);
      const actor = actorOf(principal);
      await guard.visibleCase(principal, caseId);
      return withCase(caseId, async () => {
        await senderAlive(caseId, actor);
        return { ...(await provideCaseData(deps.client, caseId, { actor, fields: body.fields })) };
      });
    },

    async sendEvent(principal, caseId, body) {
      refuseBodyActor(body);
      const actor = actorOf(principal);
      const { facts } = await guard.visibleCase(principal, caseId);
      await withCase(caseId, async () => {
        await senderAlive(caseId, actor);
        await sendEvent(deps.client, caseId, { ...body.data, type: body.type, actor });
      });
      // The answer is the case as the read model holds it: the case wrote this transition there before it answered
      // the event (the update's own answer only says where the case stands).
      const { snapshot } = await guard.visibleCase(principal, caseId);
      await guard.recordView(principal, { caseId, subjectIds: facts.parties, name: 'events', procedure: procedureOf(snapshot) });
      return caseView(caseId, snapshot);
    },

    async getCase(principal, caseId) {
      // From the read model (the guard reads it too): a look at a case never wakes its workflow.
      const { snapshot, facts, projection } = await guard.visibleCase(principal, caseId);
      await guard.recordView(principal, { caseId, subjectIds: facts.parties, name: 'case', procedure: procedureOf(snapshot) });
      return { ...(await caseView(caseId, snapshot)), projection };
    },

    previewApplication: (principal, body) => previewApplication({ registries: deps.registries }, principal, body),

    async recordCaseView(principal, caseId, view) {
      const { facts, snapshot } = await guard.visibleCase(principal, caseId);
      await guard.recordView(principal, { caseId, subjectIds: facts.parties, name: view, procedure: procedureOf(snapshot) });
    },

    async getCaseAudit(principal, caseId) {
      // The auditor sees every entry; a data subject (a party of the case) the entries about their own data.
      const auditor = hasRole(principal, 'auditor');
      if (!auditor && principal.kind !== 'citizen') throw new RoleRequiredError(['auditor', 'citizen']);
      // Registry reads and writes are `entries`; views of the case (the same log, kind `view`) are `views`.
      const logged = await listAudit(deps.db, { caseId });
      const entries = logged.filter((e) => e.kind !== 'view');
      if (entries.length === 0) throw new CaseNotFoundError(caseId);
      if (auditor) {
        const views = await listCaseViews(deps.db, { caseId });
        await guard.recordView(principal, { caseId, subjectIds: entries.flatMap((e) => (e.subjectId ? [e.subjectId] : [])), name: 'audit' });
        return { caseId, entries, views };
      }
      const subject = principal.kind === 'citizen' ? principal.personalId : '';
      await guard.visibleCase(principal, caseId);
      return { caseId, entries: entries.filter((e) => e.subjectId === subject), views: await listCaseViews(deps.db, { caseId, subjectId: subject }) };
    },
  };
}
