/**
 * The application inside a chart input (pure): where it sits, and the chart input once the applicant's missing data
 * is merged in, and what of the data read at receipt a service sees. Dotted-path access itself is domain/data-paths.ts.
 */
import type { RegistryRecordRead } from '../domain/once-only';
import type { ProcedureDefinition, ServiceDeclaration } from '../procedures/types';

/** The chart input once the missing data is given: the application replaced (nested input) or merged (flat input). */
export function chartInputWith(
  input: Record<string, unknown>,
  caseId: string,
  application: Record<string, unknown> | null,
): Record<string, unknown> {
  const machineInput: Record<string, unknown> = { ...input, caseId };
  if (application === null) return machineInput;
  if (input.application) machineInput.application = application;
  else Object.assign(machineInput, application);
  return machineInput;
}

/** The application inside a chart input (nested under `application`, or the input itself). */
export function applicationOf(input: Record<string, unknown>): Record<string, unknown> {
  return (input.application ?? input) as Record<string, unknown>;
}

/**
 * The registry records read at receipt that a service may see: only the receiving agency's (the first agency of the
 * procedure, whose step checks the dossier) — data minimisation: other agencies read what they need themselves.
 */
export function heldRecordsFor(
  def: Pick<ProcedureDefinition, 'agencies'>,
  service: Pick<ServiceDeclaration, 'agency'>,
  held: readonly RegistryRecordRead[] | undefined,
): readonly RegistryRecordRead[] | undefined {
  return held?.length && service.agency === def.agencies[0] ? held : undefined;
}
