/**
 * The application inside a chart input (pure): where it sits, and the chart input once the applicant's missing data
 * is merged in. Dotted-path access itself is domain/data-paths.ts.
 */

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
