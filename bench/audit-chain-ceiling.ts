/**
 * How many audited transactions per second the audit log's hash chain lets through (`npm run bench:statements`'s
 * last phase): `writers` connections, each committing transactions of one audit entry — what a registry write adds to
 * its own transaction — for `seconds`, with the chain's trigger and without it. The trigger appends each row under its
 * day's chain-head lock, held until the transaction's commit is flushed, so audited transactions commit one at a
 * time; without it they commit side by side. Only ever on a throwaway database: it turns the trigger off for the
 * second measurement (and back on).
 */
import { sql } from 'drizzle-orm';
import type { AuditEntry } from '../domain/registries';
import { insertAuditEntry } from '../db/engine/audit-queries';
import { openRegistriesDatabase } from '../db/registries-database';

export interface CeilingFigure {
  writers: number;
  chain: boolean;
  transactions: number;
  perSecond: number;
}

const entry = (writer: number): AuditEntry => ({
  at: new Date().toISOString(),
  registry: 'population',
  operation: 'createPerson',
  kind: 'write',
  subjectId: '001099000001',
  fields: ['fullName'],
  outcome: 'ok',
  ctx: { procedureId: 'birth-group', procedureVersion: 3, caseId: `ceiling-${writer}`, agency: 'justice', purpose: 'bench', legalBasis: 'bench', actor: 'bench' },
});

/** One measurement: `writers` writers for `seconds` on the registries database at `url` (migrated if need be). */
export async function auditChainCeiling(url: string, opts: { writers: number; seconds: number; chain: boolean }): Promise<CeilingFigure> {
  const opened = await openRegistriesDatabase({ kind: 'postgres', url }, { maxConnections: opts.writers });
  const trigger = async (on: boolean) => {
    await opened.db.execute(sql.raw(`alter table audit_log ${on ? 'enable' : 'disable'} trigger audit_log_chain`));
  };
  try {
    if (!opts.chain) await trigger(false);
    let transactions = 0;
    const t0 = performance.now();
    const until = t0 + opts.seconds * 1000;
    await Promise.all(
      Array.from({ length: opts.writers }, async (_, w) => {
        while (performance.now() < until) {
          await opened.db.transaction((tx) => insertAuditEntry(tx, entry(w)));
          transactions++;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { writers: opts.writers, chain: opts.chain, transactions, perSecond: transactions / seconds };
  } finally {
    if (!opts.chain) await trigger(true);
    await opened.close();
  }
}
