/** Task queue names. Sandbox-safe: shared by workflows, workers and clients. */
import type { AgencyId } from '../domain/registries';

export const ENGINE_TASK_QUEUE = 'engine';

export const AGENCIES: readonly AgencyId[] = ['justice', 'police', 'vss', 'tax', 'labour'];

export function agencyTaskQueue(agency: AgencyId): string {
  return `agency-${agency}`;
}
