/**
 * Dotted-path access to a case's data (pure): reading a field, and merging the fields an applicant gives into a
 * copy of the application (the original is never changed).
 */

export function valueAt(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), obj);
}

/** Sets `name` (dotted) in `target`, creating intermediate objects (mutates `target`). */
export function setPath(target: Record<string, unknown>, name: string, value: unknown): void {
  const parts = name.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** A deep copy of `application` with `fields` (dotted names) set. */
export function mergeFields(application: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(application)) as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) setPath(copy, name, value);
  return copy;
}

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
