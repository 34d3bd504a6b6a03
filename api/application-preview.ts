/**
 * The once-only preview (the EU Once-Only Technical System's "preview" pattern): before a case starts, the citizen
 * sees what the application will use — what they give, and what the state holds with the register it comes from —
 * and confirms. The applicant's own records are read (audited like any read, with the purpose "preview"; no case
 * exists yet, so the entry names none); data about other persons (e.g. the other parent) is named with its register
 * but not shown (minimisation): it is read when the application is submitted. The values the citizen gives go
 * through the same checks as a submission (formats, data the state holds, unknown fields). Nothing is written but
 * the audit entries of the reads.
 */
import type { Principal } from '../identity/claims';
import { prefillFromRegistries } from '../activities/once-only/prefill';
import type { AccessContext, Registries, RegistryName } from '../domain/registries';
import { resolveFields, type RegistryValue } from '../domain/once-only';
import { getProcedure, UnknownProcedureError } from '../procedures/catalog';
import { DataAlreadyHeldApiError, InvalidInputError, ProcedureNotFoundError, RoleRequiredError, UnknownFieldApiError } from './errors';

export interface ApplicationPreview {
  procedureId: string;
  procedureVersion: number;
  /** Fields the applicant gives, with their values. */
  given: { field: string; value: unknown }[];
  /** Fields the state holds: the register, and the value when it is the applicant's own record (else read at submission). */
  held: { field: string; registry: RegistryName; keyField: string; value?: unknown }[];
  /** Fields a step of the case will produce (e.g. the child's personal ID). */
  produced: { field: string; step: string }[];
}

/** The audit's case id for reads made by a preview: no case exists yet. */
export const PREVIEW_CASE_ID = '';

export async function previewApplication(
  deps: { registries: Registries },
  principal: Principal,
  body: { procedureId: string; fields: Record<string, unknown> },
): Promise<ApplicationPreview> {
  if (principal.kind !== 'citizen') throw new RoleRequiredError(['citizen']);
  let def;
  try {
    def = getProcedure(body.procedureId);
  } catch (e) {
    if (e instanceof UnknownProcedureError) throw new ProcedureNotFoundError(body.procedureId);
    throw e;
  }
  const submitted: Record<string, unknown> = { ...body.fields, 'applicant.personalId': principal.personalId };
  const own = (key: string) => submitted[key] === principal.personalId;
  const ownDeclarations = def.data.filter((d) => d.source.kind === 'registry' && own(d.source.keyField));
  const ctx: AccessContext = {
    procedureId: def.id,
    procedureVersion: def.version,
    caseId: PREVIEW_CASE_ID,
    agency: def.agencies[0],
    purpose: `show the applicant, before they apply for ${def.title}, the data the state holds about them (once-only preview)`,
    legalBasis: def.legalBasis[0],
    actor: `citizen:${principal.personalId}`,
  };
  const keys = Object.fromEntries(Object.entries(submitted).filter((e): e is [string, string] => typeof e[1] === 'string' && own(e[0])));
  const values: Record<string, RegistryValue> =
    ownDeclarations.length > 0 ? (await prefillFromRegistries({ declarations: ownDeclarations, keys, registries: deps.registries, ctx })).values : {};
  const r = resolveFields({ declarations: def.data, registryValues: values, stepOutputs: {}, submitted });
  if (r.unknown.length > 0) throw new UnknownFieldApiError(`Not fields of this procedure: ${r.unknown.join(', ')}.`, r.unknown);
  if (r.invalid.length > 0) throw new InvalidInputError(`Invalid values: ${r.invalid.map((i) => `${i.field}: ${i.reason}`).join('; ')}.`, r.invalid);
  if (r.refused.length > 0) {
    throw new DataAlreadyHeldApiError(`The state already holds ${r.refused.map((f) => f.field).join(', ')}; it must not be collected again.`, r.refused);
  }
  const givenNames = new Set(r.resolved.filter((f) => f.source === 'citizen').map((f) => f.field));
  return {
    procedureId: def.id,
    procedureVersion: def.version,
    given: def.data.filter((d) => givenNames.has(d.name)).map((d) => ({ field: d.name, value: submitted[d.name] })),
    held: def.data.flatMap((d) =>
      d.source.kind === 'registry' && (submitted[d.source.keyField] !== undefined && submitted[d.source.keyField] !== '')
        ? [{ field: d.name, registry: d.source.registry, keyField: d.source.keyField, ...(values[d.name] ? { value: values[d.name].value } : {}) }]
        : [],
    ),
    produced: def.data.flatMap((d) => (d.source.kind === 'step' ? [{ field: d.name, step: d.source.step }] : [])),
  };
}
