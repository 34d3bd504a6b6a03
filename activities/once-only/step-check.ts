/**
 * The once-only check of an agency's step, from the procedure's declarations (the same reader and resolver as the
 * API's): the records the step's key fields point at are taken from what the case carries (read when the
 * application was received) or read once, and the application is resolved against the declarations. A step names
 * only its key fields and what its own rules need from those records; it lists no fields of its own.
 */
import { getPath } from '../../domain/data-paths';
import { dataReuse, resolutionErrors, resolveFields, type OnceOnlyResolution } from '../../domain/once-only';
import { getProcedure } from '../../procedures/catalog';
import type { ServiceRequest } from '../../procedures/types';
import type { AccessContext, RegistryName, Registries } from '../../domain/registries';
import { prefillFromRegistries } from './prefill';

export interface StepCheck {
  resolution: OnceOnlyResolution;
  /** The record a key field points at, with the declared attributes and the needed ones; null: no record; undefined: no (valid) key. */
  record(keyField: string): Record<string, unknown> | null | undefined;
  /** Throws the first once-only problem (held data re-sent, unknown or invalid field), else gives the data reuse. */
  assert(): { reusedFields: string[]; collectedFields: string[] };
}

/**
 * `request`'s application (`input.application`, nested as the chart holds it) checked with the step's access context
 * and the agency's audited registries. `keyFields`: the keys whose `registry` fields this step resolves (fields other
 * steps read are not its business); `needs`, by key field: attributes the step's own rules use beyond the declared
 * ones (e.g. `deceased`).
 */
export async function checkStepData(
  request: ServiceRequest,
  ctx: AccessContext,
  registries: Partial<Registries>,
  keyFields: readonly string[],
  opts: { registry?: RegistryName; needs?: Readonly<Record<string, readonly string[]>> } = {},
): Promise<StepCheck> {
  const registry = opts.registry ?? 'population';
  const application = (request.input as { application?: unknown } | undefined)?.application;
  const declarations = getProcedure(request.access.procedureId, request.access.procedureVersion).data.filter(
    (d) => d.source.kind !== 'registry' || (d.source.registry === registry && keyFields.includes(d.source.keyField)),
  );
  const keys: Record<string, string> = {};
  for (const k of keyFields) {
    const v = getPath(application, k);
    if (typeof v === 'string' && v !== '') keys[k] = v;
  }
  const needs = Object.entries(opts.needs ?? {}).map(([keyField, attributes]) => ({ registry, keyField, attributes }));
  const prefill = await prefillFromRegistries({
    declarations,
    keys,
    registries,
    ctx,
    needs,
    held: request.held,
  });
  const resolution = resolveFields({
    declarations,
    registryValues: prefill.values,
    stepOutputs: {},
    submitted: (application ?? {}) as Record<string, unknown>,
  });
  return {
    resolution,
    record: (keyField) => prefill.recordOf(registry, keyField),
    assert() {
      const [problem] = resolutionErrors(resolution);
      if (problem) throw problem;
      return dataReuse(resolution);
    },
  };
}
