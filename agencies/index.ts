/**
 * The agencies: one module each, registered here, in one list. Adding an agency = its module and one line below.
 * The agency id type (domain/registries.ts `AgencyId`), worker roles, task queues, the API's agency enums and the
 * docs' tables (docs/agencies.md, checked by test/agencies) derive from this list.
 */
import type { AgencyId } from '../domain/registries';
import type { AgencyModule } from './agency-module';
import { justice } from './justice';
import { labour } from './labour';
import { police } from './police';
import { tax } from './tax';
import { vss } from './vss';

export const AGENCIES = [justice, police, vss, tax, labour] as const;

// Gives the bottom layer's `AgencyId` the ids of this list (domain/registries.ts imports nothing of the project).
declare module '../domain/registries' {
  interface AgencyRegister {
    agencies: typeof AGENCIES;
  }
}

export const AGENCY_IDS: readonly AgencyId[] = AGENCIES.map((a) => a.id);

export function isAgencyId(value: unknown): value is AgencyId {
  return typeof value === 'string' && (AGENCY_IDS as readonly string[]).includes(value);
}

export class UnknownAgencyError extends Error {
  readonly code = 'UNKNOWN_AGENCY';
  constructor(id: string, known: readonly AgencyModule[]) {
    super(`Unknown agency "${id}": use one of ${known.map((a) => a.id).join(', ')}`);
  }
}

/** The module of agency `id` in `agencies` (the list above, or it with a test's fixture agency). */
export function agencyModule(id: string, agencies: readonly AgencyModule[] = AGENCIES): AgencyModule {
  const found = agencies.find((a) => a.id === id);
  if (!found) throw new UnknownAgencyError(id, agencies);
  return found;
}

/** The agency whose services run on task queue `queue`, if any (the engine's queue, or an unknown one, names none). */
export function agencyOfTaskQueue(queue: string, agencies: readonly AgencyModule[] = AGENCIES): AgencyModule | undefined {
  return agencies.find((a) => a.taskQueue === queue);
}
