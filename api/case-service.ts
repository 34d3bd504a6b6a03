/**
 * What the HTTP API does, behind one interface: open a case once-only (resolve every field the state holds before
 * asking the citizen anything), carry events and missing data to the case workflow, and show a case's status,
 * deadlines and audit trail. Real parts only: a Temporal client, the registries database, audited adapters.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { Executor } from '../db/connection';
import { listAudit, listCaseViews } from '../db/engine/audit-queries';
import { hasRole, type Principal } from '../identity/claims';
import type { EventActor } from '../procedures/types';
import { createCaseGuard } from './auth/case-guard';
import { getCaseRecord, recordCaseReceived } from '../db/engine/case-records';
import { claimApplicationKey, findApplicationKey } from '../db/engine/application-keys';
import { InconsistentFactError } from '../domain/plausibility';
import { checkApplicationFacts, checkCitizenAlive } from './receipt-checks';
import { listCaseDocuments } from '../db/registries/case-documents';
import type { CaseStatusName } from '../domain/case-vocabulary';
import { caseRowsOf } from '../db/engine/case-rows';
import { insertSubmittedCase } from '../db/engine/case-views';
import { provenanceOf, submittedDocument } from './submitted-case';
import { resolvedValues, type OnceOnlyResolution } from '../domain/once-only';
import type { AccessContext, PersonRecord, Registries } from '../domain/registries';
import { nestPaths } from '../domain/data-paths';
import { prefillAndResolve, receiptNeeds, type PrefillResult } from '../activities/once-only/prefill';
import { CATALOG, getProcedure, listProcedures, UnknownProcedureError } from '../procedures/catalog';
import type { ProcedureDefinition } from '../procedures/types';
import type { CaseSnapshot } from '../workflows/definitions';
import { DataNotAcceptedError, getCaseSnapshot, provideCaseData, sendEvent, startCase } from '../workflows/case-client';
import {
  ActorNotAllowedError,
  ApiError,
  ApplicantNameMismatchError,
  ApplicantNotFoundError,
  ApplicantNotPrincipalError,
  BodyActorRefusedError,
  RoleRequiredError,
  InconsistentFactApiError,
  CaseNotAwaitingDataError,
  FieldNotMissingError,
  CaseNotFoundError,
  InvalidInputError,
  ProcedureNotFoundError,
  RegistryRecordNotFoundError,
  ServiceUnavailableError,
} from './errors';
import type { ProvideData, SendEvent, SubmitApplication } from './schemas';
import { previewApplication, type ApplicationPreview } from './application-preview';

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<'api' | 'database' | 'temporal', { ok: boolean; error?: string }>;
}

export interface SubmissionResult {
  caseId: string;
  procedureId: string;
  procedureVersion: number;
  duplicate: boolean;
  status: Extract<CaseStatusName, 'in_progress' | 'awaiting_data'>;
  /** Fields taken from registries, with the registry each came from (values are not echoed: minimisation). */
  prefilled: { field: string; registry: string }[];
  /** Fields the applicant gave. */
  provided: string[];
  /** Fields the applicant must still give (POST /cases/{id}/data). */
  missing: { field: string; type: string; enumValues?: readonly string[]; purpose: string }[];
  /** Fields an earlier step of the case will produce (e.g. the child's new personal ID). */
  producedBySteps: { field: string; step: string }[];
  /** Registry fields whose key (e.g. mother.personalId) is still missing: read by the case once it is given. */
  fromRegistriesOnceKeyGiven: { field: string; registry: string; keyField: string }[];
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

/** An inconsistent fact becomes a 422 with the rule's code, naming the field. */
async function refusedFact<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof InconsistentFactError) throw new InconsistentFactApiError(e);
    throw e;
  }
}

function procedureOrThrow(id: string): ProcedureDefinition {
  try {
    return getProcedure(id);
  } catch (e) {
    if (e instanceof UnknownProcedureError) throw new ProcedureNotFoundError(id);
    throw e;
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/**
 * The idempotency key of a submission, scoped (by the caller) to its principal: the Idempotency-Key, or without one
 * the application itself; and the application's hash (the same key with another application is refused).
 */
function submissionKeys(procedureId: string, submitted: Record<string, unknown>, idempotencyKey?: string): { keyHash: string; bodyHash: string } {
  const bodyHash = sha256(`body:${procedureId}:${JSON.stringify(Object.keys(submitted).sort().map((k) => [k, submitted[k]]))}`);
  return { keyHash: idempotencyKey ? sha256(`key:${procedureId}:${idempotencyKey}`) : bodyHash, bodyHash };
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
    throw new ApiError(
      'DATA_ALREADY_HELD',
      `The state already holds ${list.join(', ')}; it must not be collected again (once-only rule, Decree 47/2020 Art. 9).`,
      r.refused,
    );
  }
  if (r.unknown.length > 0) {
    throw new ApiError('UNKNOWN_FIELD', `Not fields of this procedure: ${r.unknown.join(', ')}.`, r.unknown);
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

    async submitApplication(principal, body, idempotencyKey) {
      if (principal.kind !== 'citizen') throw new RoleRequiredError(['citizen']);
      if (body.applicant.personalId !== principal.personalId) throw new ApplicantNotPrincipalError();
      const def = procedureOrThrow(body.procedureId);
      const submitted: Record<string, unknown> = { ...body.fields, 'applicant.personalId': body.applicant.personalId };
      // Idempotency per principal (the citizen the token names): a known key gives its case; else a random id,
      // claimed below once the application is known to be acceptable.
      const principalId = principal.personalId;
      const keys = submissionKeys(def.id, submitted, idempotencyKey);
      let caseId = (await findApplicationKey(deps.db, { principalId, ...keys })) ?? newCaseId();
      const ctx: AccessContext = {
        procedureId: def.id,
        procedureVersion: def.version,
        caseId,
        agency: def.agencies[0],
        purpose: `receive an application for ${def.title}: identify the applicant and reuse the data the state holds`,
        legalBasis: 'Decree 47/2020/ND-CP, Art. 9 (once-only); ' + def.legalBasis[0],
        actor: `citizen:${principal.personalId}`,
      };
      // One read per record: the applicant's record (identity, alive) is the one the declarations read too.
      const keyFields = Object.fromEntries(Object.entries(submitted).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const { prefill, resolution } = await prefillAndResolve({ declarations: def.data, keys: keyFields, registries: deps.registries, ctx, submitted, needs: receiptNeeds(def.data) });
      const applicant = prefill.recordOf('population', 'applicant.personalId') as PersonRecord | null | undefined;
      if (!applicant) throw new ApplicantNotFoundError(body.applicant.personalId);
      const given = body.applicant.fullName;
      if (given !== undefined && given.trim().normalize('NFC') !== applicant.fullName.normalize('NFC')) throw new ApplicantNameMismatchError();
      refuseIfPrefillFailed(def, prefill);
      refuseIfNotOk(resolution);
      const values = resolvedValues(resolution);
      await refusedFact(() => checkApplicationFacts({ def, values, applicant: { ...applicant, personalId: body.applicant.personalId }, registries: deps.registries, db: deps.db, ctx, now: clock() }));

      const citizenValues = Object.fromEntries(resolution.resolved.filter((f) => f.source === 'citizen').map((f) => [f.field, f.value]));
      // Only what the applicant can give is asked for; a registry field whose key is still missing is read by the
      // case's steps once the key is given (it is never asked).
      const askable = resolution.missing.filter((d) => d.source.kind === 'citizen');
      const missing = askable.map((d) => d.name);
      const receivedAt = clock().toISOString();
      caseId = (await claimApplicationKey(deps.db, { principalId, ...keys, newCaseId: caseId, at: receivedAt })).caseId;
      const provenance = provenanceOf(resolution);
      const input = { application: nestPaths(citizenValues) };
      const started = await startCase(deps.client, {
        caseId,
        procedureId: def.id,
        procedureVersion: def.version,
        input,
        receivedAt,
        missingFields: missing,
        channel: body.channel,
        provenance,
        held: prefill.records,
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
        missing: askable.map((d) => ({ field: d.name, type: d.type, enumValues: d.enumValues, purpose: d.purpose })),
        fromRegistriesOnceKeyGiven: resolution.missing.flatMap((d) =>
          d.source.kind === 'registry' ? [{ field: d.name, registry: d.source.registry, keyField: d.source.keyField }] : [],
        ),
        producedBySteps: resolution.pending.flatMap((d) => (d.source.kind === 'step' ? [{ field: d.name, step: d.source.step }] : [])),
      };
    },

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
      const view = await withCase(caseId, async () => {
        await senderAlive(caseId, actor);
        return caseView(caseId, await sendEvent(deps.client, caseId, { ...body.data, type: body.type, actor }));
      });
      await guard.recordView(principal, { caseId, subjectIds: facts.parties, name: 'events' });
      return view;
    },

    async getCase(principal, caseId) {
      // From the read model (the guard reads it too): a look at a case never wakes its workflow.
      const { snapshot, facts, projection } = await guard.visibleCase(principal, caseId);
      await guard.recordView(principal, { caseId, subjectIds: facts.parties, name: 'case' });
      return { ...(await caseView(caseId, snapshot)), projection };
    },

    previewApplication: (principal, body) => previewApplication({ registries: deps.registries }, principal, body),

    async recordCaseView(principal, caseId, view) {
      const { facts } = await guard.visibleCase(principal, caseId);
      await guard.recordView(principal, { caseId, subjectIds: facts.parties, name: view });
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
