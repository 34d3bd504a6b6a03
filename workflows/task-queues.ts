/**
 * Task queue names: one pure rule, sandbox-safe, shared by the workflows (which schedule a service on its agency's
 * queue), the agency modules (agencies/) and the workers. The list of agencies is agencies/index.ts (not imported
 * here: it names the activity code, which the workflow bundle must not contain).
 */
export const ENGINE_TASK_QUEUE = 'engine';

export function agencyTaskQueue(agency: string): string {
  return `agency-${agency}`;
}
