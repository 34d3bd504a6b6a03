/**
 * What the API knows of a case at submission, for the read model: where each field came from (the once-only
 * resolution) and the case's first projection (transition 0), shown until the workflow's own first projection lands.
 */
import type { OnceOnlyResolution } from '../domain/once-only';
import type { ProcedureDefinition } from '../procedures/types';
import type { FieldProvenance } from '../workflows/definitions';
import type { CaseProjectionDocument } from '../workflows/projection';

export function provenanceOf(r: OnceOnlyResolution): FieldProvenance[] {
  return [
    ...r.resolved.map((f) => ({
      field: f.field,
      source: f.source === 'registry' ? ('registry' as const) : f.source === 'step' ? ('step' as const) : ('citizen' as const),
      ...(f.registry ? { registry: f.registry } : {}),
      ...(f.step ? { step: f.step } : {}),
    })),
    ...r.missing.map((d) => ({ field: d.name, source: 'citizen' as const })),
    ...r.pending.flatMap((d) => (d.source.kind === 'step' ? [{ field: d.name, source: 'step' as const, step: d.source.step }] : [])),
  ];
}

export function submittedDocument(p: {
  caseId: string;
  def: ProcedureDefinition;
  input: Record<string, unknown>;
  receivedAt: string;
  missing: string[];
  applicantId: string;
  channel: string;
  provenance: FieldProvenance[];
}): CaseProjectionDocument {
  const awaiting = p.missing.length > 0;
  return {
    seq: 0,
    applicantId: p.applicantId,
    channel: p.channel,
    provenance: p.provenance,
    snapshot: {
      caseId: p.caseId,
      procedureId: p.def.id,
      procedureVersion: p.def.version,
      receivedAt: p.receivedAt,
      status: awaiting ? 'awaiting_data' : 'in_progress',
      missingFields: p.missing,
      state: awaiting ? 'awaitingData' : null,
      activeStates: awaiting ? ['awaitingData'] : [],
      outcome: null,
      context: { input: p.input },
      timeline: [],
      steps: [],
      acceptedEvents: [],
      rejectedEvents: [],
      history: [],
    },
  };
}
