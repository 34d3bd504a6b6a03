/** Registry adapters: the contracts, the engine's Postgres implementation, and the audit wrapper. */
export * from '../../domain/registries';
export * from './errors';
export { auditRegistries, createMemoryAuditSink } from './audited';
export { createPostgresAuditSink } from './postgres/audit-sink';
export { createAuditedPostgresRegistries, postgresAtomicScope } from './postgres/atomic';
export { createPostgresRegistries, cryptoRandom, type PostgresRegistriesOptions } from './postgres/index';
