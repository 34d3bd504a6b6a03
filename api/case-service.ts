/**
 * What the HTTP API does, behind one interface: open a case once-only (resolve every field the state holds before
 * asking the citizen anything), carry events and missing data to the case workflow, and show a case's status,
 * deadlines and audit trail. Real parts only: a Temporal client, the registries database, audited adapters.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { Executor } from '../db/connection';
import { listAudit, recordCaseView } from '../db/engine/audit-queries';
import { recordCaseReceived } from '../db/engine/case-records';
import { caseRowsOf } from '../db/engine/case-rows';
import { getCaseView, insertSubmittedCase, readCaseRows } from '../db/engine/case-views';
import { provenanceOf, submittedDocument } from './submitted-case';
import type { CaseSnapshot } from '../workflows/definitions';
import type { OnceOnlyResolution } from '../domain/once-only';
import type { AccessContext, Registries } from '../activities/registries/types';
import { prefillAndResolve, type PrefillResult } from '../activities/once-only/prefill';
import { CATALOG, getProcedure, listProcedures, UnknownProcedureError } from '../procedures/catalog';
import type { ProcedureDefinition } from '../procedures/types';
import { DIAGRAM_CONTENT_TYPES, renderDiagram, type DiagramFormat } from '../designer/diagram';
import {
  CaseNotFoundError as CaseClientNotFoundError,
  DataNotAcceptedError,
  EventNotAcceptedError as CaseClientEventNotAcceptedError,
  provideCaseData,
  sendEvent,
  startCase,
} from '../worker/case-client';
import {
  ActorNotAllowedError,
  type ApiError,
  ApplicantNotFoundError,
  CaseNotAwaitingDataError,
  FieldNotMissingError,
  CaseNotFoundError,
  DataAlreadyHeldApiError,
  EventNotAcceptedError,
  InvalidInputError,
  ProcedureNotFoundError,
  RegistryRecordNotFoundError,
  UnknownFieldApiError,
} from './errors';
import type { ProvideData, SendEvent, SubmitApplication } from './schemas';

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<'api' | 'database' | 'temporal', { ok: boolean; error?: string }>;
}

export interface SubmissionResult {
  caseId: string;
  procedureId: string;
  procedureVersion: number;
  duplicate: boolean;
  status: 'in_progress' | 'awaiting_data';
  /** Fields taken from registries, with the registry each came from (values are not echoed: minimisation). */
  prefilled: { field: string; registry: string }[];
  /** Fields the applicant gave. */
  provided: string[];
  /** Fields the applicant must still give (POST /cases/{id}/data). */
  missing: { field: string; type: string; enumValues?: readonly string[]; purpose: string }[];
  /** Fields an earlier step of the case will produce (e.g. the child's new personal ID). */
  producedBySteps: { field: string; step: string }[];
}

export interface CaseService {
  health(): Promise<HealthReport>;
  listProcedures(): unknown[];
  describeProcedure(id: string): Record<string, unknown>;
  diagram(id: string, format: DiagramFormat): { body: string; contentType: string };
  submitApplication(body: SubmitApplication, idempotencyKey?: string): Promise<SubmissionResult>;
  provideData(caseId: string, body: ProvideData): Promise<Record<string, unknown>>;
  sendEvent(caseId: string, body: SendEvent): Promise<Record<string, unknown>>;
  /**
   * The case from the read model. A `viewer` other than the data subjects themselves (an officer, an operator) is
   * recorded in the access log of every person in the case (the authorization layer passes its verified principal).
   */
  getCase(caseId: string, viewer?: CaseViewer): Promise<Record<string, unknown>>;
  getCaseAudit(caseId: string): Promise<Record<string, unknown>>;
}

export interface CaseViewer {
  kind: 'officer' | 'operator';
  id: string;
  agency: string;
  purpose: string;
  legalBasis: string;
}

export interface CaseServiceDeps {
  client: Client;
  /** Registries + engine database (case records, audit log). */
  db: Executor;
  /** Audited registry adapters the receiving agency may read for prefill. */
  registries: Registries;
  clock?: () => Date;
}

function procedureOrThrow(id: string): ProcedureDefinition {
  try {
    return getProcedure(id);
  } catch (e) {
    if (e instanceof UnknownProcedureError) throw new ProcedureNotFoundError(id);
    throw e;
  }
}

/** A stable case id: the same application (or the same idempotency key) always maps to the same case. */
function caseIdOf(procedureId: string, submitted: Record<string, unknown>, idempotencyKey?: string): string {
  const basis = idempotencyKey
    ? `key:${procedureId}:${idempotencyKey}`
    : `body:${procedureId}:${JSON.stringify(Object.keys(submitted).sort().map((k) => [k, submitted[k]]))}`;
  return createHash('sha256').update(basis).digest('base64url').slice(0, 22);
}

/** { "child.fullName": "An" } → { child: { fullName: "An" } } */
export function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flat)) {
    const parts = name.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = value;
  }
  return out;
}

/** A key that finds no record means the citizen gave a wrong ID: the held data can't be asked for instead. */
function refuseIfPrefillFailed(def: ProcedureDefinition, prefill: PrefillResult): void {
  if (prefill.invalidKeys.length > 0) {
    throw new InvalidInputError(
      `Invalid keys: ${prefill.invalidKeys.map((k) => `${k.keyField}: ${k.reason}`).join('; ')}.`,
      prefill.invalidKeys,
    );
  }
  const requiredMisses = prefill.notFound.filter((n) => n.fields.some((f) => def.data.find((d) => d.name === f)?.required));
  if (requiredMisses.length > 0) {
    throw new RegistryRecordNotFoundError(
      `No record found for ${requiredMisses.map((n) => `${n.keyField} = ${n.keyValue} in the ${n.registry} registry`).join('; ')}.`,
      requiredMisses.map(({ registry, keyField }) => ({ registry, keyField })),
    );
  }
}

function refuseIfNotOk(r: OnceOnlyResolution): void {
  if (r.refused.length > 0) {
    const list = r.refused.map((f) => `${f.field} (held by ${f.registry ? `the ${f.registry} registry` : `step ${f.step}`})`);
    throw new DataAlreadyHeldApiError(
      `The state already holds ${list.join(', ')}; it must not be collected again (once-only rule, Decree 47/2020 Art. 9).`,
      r.refused,
    );
  }
  if (r.unknown.length > 0) {
    throw new UnknownFieldApiError(`Not fields of this procedure: ${r.unknown.join(', ')}.`, r.unknown);
  }
  if (r.invalid.length > 0) {
    throw new InvalidInputError(`Invalid values: ${r.invalid.map((i) => `${i.field}: ${i.reason}`).join('; ')}.`, r.invalid);
  }
}

/** Maps the case's refusal of submitted data to the HTTP error for that condition. */
function dataRefusalError(e: DataNotAcceptedError): ApiError {
  const details = { caseId: e.caseId, reason: e.reason };
  switch (e.reason) {
    case 'DATA_ALREADY_HELD':
      return new DataAlreadyHeldApiError(e.message, details);
    case 'UNKNOWN_FIELD':
      return new UnknownFieldApiError(e.message, details);
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

export function createCaseService(deps: CaseServiceDeps): CaseService {
  const clock = deps.clock ?? (() => new Date());

  async function withCase<T>(caseId: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof CaseClientNotFoundError) throw new CaseNotFoundError(caseId);
      if (e instanceof CaseClientEventNotAcceptedError) throw new EventNotAcceptedError(e.message, { caseId, eventType: e.eventType });
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

    diagram: (id, format) => ({ body: renderDiagram(procedureOrThrow(id), format), contentType: DIAGRAM_CONTENT_TYPES[format] }),

    async submitApplication(body, idempotencyKey) {
      const def = procedureOrThrow(body.procedureId);
      const submitted: Record<string, unknown> = { ...body.fields, 'applicant.personalId': body.applicant.personalId };
      const caseId = caseIdOf(def.id, submitted, idempotencyKey);
      const ctx: AccessContext = {
        procedureId: def.id,
        procedureVersion: def.version,
        caseId,
        agency: def.agencies[0],
        purpose: `receive an application for ${def.title} and reuse the data the state holds`,
        legalBasis: 'Decree 47/2020/ND-CP, Art. 9 (once-only); ' + def.legalBasis[0],
        actor: `citizen:${body.applicant.personalId}`,
      };
      const applicant = await deps.registries.population.getPerson(
        { ...ctx, purpose: 'identify the applicant' },
        body.applicant.personalId,
      );
      if (!applicant) throw new ApplicantNotFoundError(body.applicant.personalId);

      const keys = Object.fromEntries(Object.entries(submitted).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const { prefill, resolution } = await prefillAndResolve({ declarations: def.data, keys, registries: deps.registries, ctx, submitted });
      refuseIfPrefillFailed(def, prefill);
      refuseIfNotOk(resolution);

      const citizenValues = Object.fromEntries(resolution.resolved.filter((f) => f.source === 'citizen').map((f) => [f.field, f.value]));
      const missing = resolution.missing.map((d) => d.name);
      const receivedAt = clock().toISOString();
      const provenance = provenanceOf(resolution);
      const input = { application: unflatten(citizenValues) };
      const started = await startCase(deps.client, {
        caseId,
        procedureId: def.id,
        procedureVersion: def.version,
        input,
        receivedAt,
        missingFields: missing,
        channel: body.channel,
        provenance,
      });
      if (!started.alreadyExisted) {
        // Visible at once: the workflow's first projection (transition 1) replaces this row.
        await insertSubmittedCase(
          deps.db,
          caseRowsOf(submittedDocument({ caseId, def, input, receivedAt, missing, applicantId: body.applicant.personalId, channel: body.channel, provenance })),
          clock().toISOString(),
        );
        await recordCaseReceived(deps.db, {
          caseId,
          procedureId: def.id,
          procedureVersion: def.version,
          applicantId: body.applicant.personalId,
          channel: body.channel,
          receivedAt,
          fieldsReused: resolution.counts.reused,
          fieldsCollected: resolution.counts.collected,
        });
      }
      return {
        caseId,
        procedureId: started.procedureId,
        procedureVersion: started.procedureVersion,
        duplicate: started.alreadyExisted,
        status: missing.length > 0 ? 'awaiting_data' : 'in_progress',
        prefilled: resolution.resolved.filter((f) => f.source === 'registry').map((f) => ({ field: f.field, registry: f.registry! })),
        provided: Object.keys(citizenValues),
        missing: resolution.missing.map((d) => ({ field: d.name, type: d.type, enumValues: d.enumValues, purpose: d.purpose })),
        producedBySteps: resolution.pending.flatMap((d) => (d.source.kind === 'step' ? [{ field: d.name, step: d.source.step }] : [])),
      };
    },

    provideData: (caseId, body) =>
      withCase(caseId, async () => ({ ...(await provideCaseData(deps.client, caseId, { actor: body.actor, fields: body.fields })) })),

    sendEvent: (caseId, body) =>
      withCase(caseId, async () => {
        const snapshot = await sendEvent(deps.client, caseId, { ...body.data, type: body.type, actor: body.actor });
        return { ...snapshot };
      }),

    async getCase(caseId, viewer) {
      // From the read model: a look at a case never wakes its workflow.
      const view = await getCaseView(deps.db, caseId);
      if (!view) throw new CaseNotFoundError(caseId);
      if (viewer) {
        const subjects = [...new Set((await readCaseRows(deps.db, caseId))?.parties.map((p) => p.personalId) ?? [])];
        await recordCaseView(deps.db, {
          at: clock().toISOString(),
          caseId,
          procedureId: view.procedureId,
          procedureVersion: view.procedureVersion,
          subjects,
          agency: viewer.agency,
          actor: `${viewer.kind}:${viewer.id}`,
          purpose: viewer.purpose,
          legalBasis: viewer.legalBasis,
        });
      }
      return { ...(view.snapshot as CaseSnapshot), projection: { transition: view.seq, projectedAt: view.projectedAt } };
    },

    async getCaseAudit(caseId) {
      const entries = await listAudit(deps.db, { caseId });
      if (entries.length === 0) throw new CaseNotFoundError(caseId);
      return { caseId, entries };
    },
  };
}
