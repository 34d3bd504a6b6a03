/** What a reset would leave behind in the registers: the documents a case issued after the reset point. */
import { listCaseDocuments } from '../db/registries/case-documents';
import type { IssuedDocument } from '../domain/case-vocabulary';
import { OpsError, type CaseRef, type OpsDeps } from './common';

/**
 * A reset must undo in the registers what it undoes in the case: documents the case issued after the reset point
 * would be left behind by a run that may decide otherwise (e.g. refuse a birth whose certificate stands). Such a
 * reset is refused, naming each document; the dry run lists them too.
 */
export class ResetWouldOrphanDocumentsError extends OpsError {
  constructor(
    caseId: string,
    state: string,
    readonly documents: IssuedDocument[],
  ) {
    super(
      'RESET_WOULD_ORPHAN_DOCUMENTS',
      `case ${caseId}: a reset to "${state}" would leave in the registers what the case issued after that point: ` +
        documents.map((d) => `${d.kind} ${d.number} (${d.issuer}, ${d.issuedAt})`).join('; ') +
        '. Reset to a later state, or correct the registers through their own procedures first.',
    );
  }
}

/** The documents the case issued at or after `sinceMs` (epoch ms; 0 for a reset to the start). */
export async function documentsIssuedSince(deps: OpsDeps, ref: CaseRef, sinceMs: number): Promise<IssuedDocument[]> {
  return (await listCaseDocuments(deps.db, ref.caseId)).filter((d) => Date.parse(d.issuedAt) >= sinceMs);
}
