/**
 * What an agency is, declared once: its id, display names, task queue, the registries its services need (required
 * and optional) with the adapter of each, the codes of its own errors that retrying cannot fix, and its activity
 * factory (imported only when its worker starts). The list of agencies is ./index.ts.
 */
import type { AgencyDeps } from '../activities/agencies/common';
import type { Executor } from '../db/connection';
import type { Registries, RegistryName } from '../domain/registries';
import { agencyTaskQueue } from '../workflows/task-queues';

/** Builds a registry's adapter on an executor (the engine's database, or the transaction of an atomic call). */
export type AdapterFactory<K extends RegistryName = RegistryName> = (db: Executor, clock: () => Date) => Registries[K];
/** A registry's adapter, imported only by a worker that needs it. */
export type RegistryAdapter<K extends RegistryName = RegistryName> = () => Promise<AdapterFactory<K>>;
export type RegistryAdapters<K extends RegistryName = RegistryName> = { readonly [N in K]: RegistryAdapter<N> };

export type ActivityMap = Record<string, (...args: any[]) => Promise<unknown>>;
export type ActivityFactory = (deps: AgencyDeps<Partial<Registries>>) => ActivityMap;

export interface AgencyModule<Id extends string = string> {
  readonly id: Id;
  readonly names: { readonly vi: string; readonly en: string };
  /** Where the runner schedules the agency's services (`agency-<id>`). */
  readonly taskQueue: string;
  readonly registries: {
    /** The worker does not start without these. */
    readonly required: Partial<RegistryAdapters>;
    /** Needed by some services only: without one, those fail with REGISTRY_NOT_CONFIGURED, the others run. */
    readonly optional: Partial<RegistryAdapters>;
  };
  /** Codes of the agency's own errors that retrying cannot fix (the case takes its refusal path). */
  readonly nonRetryable: readonly string[];
  /** The activity factory, imported on demand: a worker for one agency loads only that agency's code. */
  readonly activities: () => Promise<ActivityFactory>;
}

export interface AgencySpec<Id extends string, Req extends RegistryName, Opt extends RegistryName> {
  id: Id;
  names: { vi: string; en: string };
  registries: { required: RegistryAdapters<Req>; optional?: RegistryAdapters<Opt> };
  nonRetryable?: readonly string[];
  /** Typed against the declared registries: a factory that needs a registry the module does not declare fails to compile. */
  activities: () => Promise<(deps: AgencyDeps<Pick<Registries, Req> & Partial<Pick<Registries, Opt>>>) => object>;
}

export function defineAgency<const Id extends string, Req extends RegistryName, Opt extends RegistryName = never>(
  spec: AgencySpec<Id, Req, Opt>,
): AgencyModule<Id> {
  return {
    id: spec.id,
    names: spec.names,
    taskQueue: agencyTaskQueue(spec.id),
    registries: { required: spec.registries.required, optional: spec.registries.optional ?? {} },
    nonRetryable: spec.nonRetryable ?? [],
    activities: spec.activities as unknown as () => Promise<ActivityFactory>,
  };
}
