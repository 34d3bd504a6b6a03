/**
 * Receiving an application once-only: every field the state holds is resolved before the citizen is asked anything,
 * impossible facts are refused, and the case starts (idempotent per principal and key). The case's workflow then
 * projects it and opens its service-quality record itself.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Executor } from '../db/connection';
import type { Principal } from '../identity/claims';
import { claimApplicationKey, findApplicationKey } from '../db/engine/application-keys';
import { InconsistentFactError } from '../domain/plausibility';
import { checkApplicationFacts } from './receipt-checks';
import type { CaseStatusName } from '../domain/case-vocabulary';
import { caseRowsOf } from '../db/engine/case-rows';
import { applyCaseRows } from '../db/engine/case-views';
import { provenanceOf, submittedDocument } from './submitted-case';
import { resolvedValues, type OnceOnlyResolution } from '../domain/once-only';
import type { AccessContext, PersonRecord, Registries } from '../domain/registries';
import { nestPaths } from '../domain/data-paths';
import { prefillAndResolve, receiptNeeds, type PrefillResult } from '../activities/once-only/prefill';
import { getProcedure, UnknownProcedureError } from '../procedures/catalog';
import type { ProcedureDefinition } from '../procedures/types';
import { startCase } from '../workflows/case-client';
import {
  ApiError,
  ApplicantNameMismatchError,
  ApplicantNotFoundError,
  ApplicantNotPrincipalError,
  InconsistentFactApiError,
  InvalidInputError,
  ProcedureNotFoundError,
  RegistryRecordNotFoundError,
  RoleRequiredError,
} from './errors';
import type { SubmitApplication } from './schemas';

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

/** An inconsistent fact becomes a 422 with the rule's code, naming the field. */
export async function refusedFact<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof InconsistentFactError) throw new InconsistentFactApiError(e);
    throw e;
  }
}

export function procedureOrThrow(id: string): ProcedureDefinition {
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

export interface SubmissionDeps {
  client: Client;
  db: Executor;
  registries: Registries;
  clock: () => Date;
  newCaseId: () => string;
}

export async function submitApplication(deps: SubmissionDeps, principal: Principal, body: SubmitApplication, idempotencyKey?: string): Promise<SubmissionResult> {
  const clock = deps.clock;
  const newCaseId = deps.newCaseId;
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
    // Visible at once, as transition 0, which never overwrites a projection: the workflow's first one (transition 1)
    // replaces this row and opens the case's service-quality record (activities/projection), so the record never
    // depends on this process surviving.
    await applyCaseRows(
      deps.db,
      caseRowsOf(submittedDocument({ caseId, def, input, receivedAt, missing, applicantId: body.applicant.personalId, channel: body.channel, provenance })),
      clock().toISOString(),
    );
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
}
