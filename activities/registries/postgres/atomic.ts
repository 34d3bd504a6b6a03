/**
 * The engine's Postgres registries commit each call and its audit entry in one transaction (a DBOS rule: a database
 * write and its record in one transaction). The registry adapters are bound to the transaction per call; adapters'
 * own transactions become savepoints inside it.
 */
import type { Executor } from '../../../db/connection';
import { auditRegistries, type AtomicAuditScope } from '../audited';
import type { Registries } from '../../../domain/registries';
import { createPostgresAuditSink } from './audit-sink';
import { createPostgresRegistries, type PostgresRegistriesOptions } from './index';

/** `bind(tx)` builds the registries on the transaction (only those the caller holds; others as given). */
export function postgresAtomicScope(db: Executor, bind: (tx: Executor) => Partial<Registries>): AtomicAuditScope {
  return { run: (work) => db.transaction((tx) => work(bind(tx) as Registries, createPostgresAuditSink(tx))) };
}

/** Every registry of the engine's database, audited, each call atomic with its audit entry. */
export function createAuditedPostgresRegistries(db: Executor, clock: () => Date, options: PostgresRegistriesOptions = {}): Registries {
  return auditRegistries(
    createPostgresRegistries(db, options),
    createPostgresAuditSink(db, { groupCommit: true }),
    clock,
    postgresAtomicScope(db, (tx) => createPostgresRegistries(tx, options)),
  );
}
