/**
 * From a case's projection document (the workflow's numbered snapshot) to the read model's rows. Pure: the same
 * document always gives the same rows, so writing it twice changes nothing and `reproject` can compare.
 */
import type { AnyStateNode } from 'xstate';
import type { AgencyId } from '../../domain/registries';
import { getProcedure } from '../../procedures/catalog';
import type { ProcedureDefinition } from '../../procedures/types';
import type { CaseProjectionDocument } from '../../workflows/projection';
import { WORKING_CALENDAR } from '../../workflows/calendar';
import { workingDaysBetween } from '../../domain/working-days';
import type { CaseSnapshot } from '../../workflows/definitions';
import { RESULT_OUTCOMES, type caseDecisions, type caseFields, type caseParties, type caseSteps, type caseViews, type caseWorkItems } from './read-model-schema';

export interface CaseRows {
  view: Omit<typeof caseViews.$inferInsert, 'projectedAt'>;
  parties: (typeof caseParties.$inferInsert)[];
  steps: (typeof caseSteps.$inferInsert)[];
  decisions: (typeof caseDecisions.$inferInsert)[];
  fields: (typeof caseFields.$inferInsert)[];
  workItems: (typeof caseWorkItems.$inferInsert)[];
}

const MAX_PARTIES = 50;
const PERSONAL_ID = /^\d{12}$/;

const stepAgencyCache = new Map<string, Map<string, AgencyId | null>>();

/** The agency acting in each deadline step: its officer events, else its invoked services, in the step's states. */
export function stepAgencies(def: ProcedureDefinition): Map<string, AgencyId | null> {
  const key = `${def.id}@${def.version}`;
  const cached = stepAgencyCache.get(key);
  if (cached) return cached;
  const nodes: AnyStateNode[] = [];
  const walk = (n: AnyStateNode) => {
    nodes.push(n);
    for (const child of Object.values(n.states)) walk(child);
  };
  walk(def.machine.root);
  const byStep = new Map<string, AgencyId | null>();
  for (const d of def.deadlines) {
    if (d.step === 'total') {
      byStep.set(d.step, null);
      continue;
    }
    const path = d.statePath ?? d.step;
    const inside = nodes.filter((n) => {
      const p = n.path.join('.');
      return p === path || p.startsWith(`${path}.`);
    });
    const byEvent = inside.flatMap((n) => n.ownEvents).map((t) => def.events.find((e) => e.type === t)?.agency).find(Boolean);
    const byService = inside
      .flatMap((n) => n.invoke)
      .map((i) => def.services.find((s) => s.name === i.src)?.agency)
      .find(Boolean);
    byStep.set(d.step, byEvent ?? byService ?? null);
  }
  stepAgencyCache.set(key, byStep);
  return byStep;
}

/** The application inside a snapshot's context (awaiting data: the workflow input; running: the chart context). */
function applicationOf(s: CaseSnapshot): Record<string, unknown> {
  const ctx = (s.context ?? {}) as Record<string, any>;
  return (ctx.application ?? ctx.input?.application ?? ctx.input ?? ctx) as Record<string, unknown>;
}

/** The first value of a key anywhere in the object, breadth first (e.g. "registration.provinceCode"). */
function findKey(obj: unknown, key: string): string | null {
  const queue: unknown[] = [obj];
  while (queue.length > 0) {
    const node = queue.shift();
    if (!node || typeof node !== 'object') continue;
    for (const [k, v] of Object.entries(node)) {
      if (k === key && typeof v === 'string') return v;
      if (v && typeof v === 'object') queue.push(v);
    }
  }
  return null;
}

/** Every personal ID in the case's context, with where it appears (the data subjects and parties). */
function personalIds(obj: unknown, prefix = '', out: { personalId: string; role: string }[] = []): { personalId: string; role: string }[] {
  if (!obj || typeof obj !== 'object' || out.length >= MAX_PARTIES) return out;
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string' && PERSONAL_ID.test(v)) out.push({ personalId: v, role: path });
    else if (v && typeof v === 'object') personalIds(v, path, out);
  }
  return out;
}

export function caseRowsOf(doc: CaseProjectionDocument): CaseRows {
  const s = doc.snapshot;
  const def = getProcedure(s.procedureId, s.procedureVersion);
  const caseId = s.caseId;
  const application = applicationOf(s);
  const provinceCode = findKey(application, 'provinceCode');
  const communeCode = findKey(application, 'communeCode');
  const total = s.steps.find((x) => x.step === 'total');
  const settled = s.status === 'closed';
  const agencies = stepAgencies(def);

  const parties = new Map<string, { personalId: string; role: string }>();
  const add = (p: { personalId: string; role: string }) => parties.set(`${p.personalId}|${p.role}`, p);
  if (doc.applicantId) add({ personalId: doc.applicantId, role: 'applicant' });
  for (const p of personalIds(s.context)) add({ ...p, role: p.role.replace(/^(application|input\.application)\./, '') });

  const openSince = s.timeline.filter((t) => t.leftAt === null).reduce((m, t) => (t.enteredAt > m ? t.enteredAt : m), s.receivedAt);
  const byAgency = new Map<string, string[]>();
  for (const e of s.acceptedEvents) if (e.agency) byAgency.set(e.agency, [...(byAgency.get(e.agency) ?? []), e.type]);
  const openStepDue = (agency: string) =>
    s.steps.find((x) => x.startedAt !== null && x.completedAt === null && agencies.get(x.step) === agency)?.dueAt ?? total?.dueAt ?? null;

  return {
    view: {
      caseId,
      seq: doc.seq,
      procedureId: s.procedureId,
      procedureVersion: s.procedureVersion,
      applicantId: doc.applicantId,
      channel: doc.channel,
      agencies: [...new Set([...agencies.values()].filter((a): a is AgencyId => a !== null))].sort(),
      provinceCode,
      communeCode,
      status: s.status,
      outcome: s.outcome,
      activeStates: s.activeStates,
      receivedAt: s.receivedAt,
      dossierCompleteAt: total?.startedAt ?? null,
      settledAt: settled ? (total?.completedAt ?? null) : null,
      deadlineAt: total?.dueAt ?? null,
      onTime: settled ? (total?.onTime ?? null) : null,
      settlementWorkingDays:
        settled && total?.startedAt && total.completedAt
          ? workingDaysBetween(new Date(total.startedAt), new Date(total.completedAt), WORKING_CALENDAR)
          : null,
      fieldsReused: doc.provenance.filter((f) => f.source === 'registry').length,
      fieldsCollected: doc.provenance.filter((f) => f.source === 'citizen').length,
      populationDataUsed: doc.provenance.some((f) => f.registry === 'population'),
      electronicResult: settled && s.outcome !== null && RESULT_OUTCOMES.includes(s.outcome),
      snapshot: s,
    },
    parties: [...parties.values()].map((p) => ({ caseId, ...p, receivedAt: s.receivedAt })),
    steps: s.steps.map((x) => ({
      caseId,
      step: x.step,
      agency: agencies.get(x.step) ?? null,
      startedAt: x.startedAt,
      dueAt: x.dueAt,
      completedAt: x.completedAt,
      onTime: x.onTime,
      workingDays: x.workingDays,
    })),
    decisions: s.history.map((h, i) => ({
      caseId,
      n: i + 1,
      type: h.type,
      actor: h.actor,
      agency: def.events.find((e) => e.type === h.type)?.agency ?? null,
      at: h.at,
    })),
    fields: doc.provenance.map((f) => ({ caseId, field: f.field, source: f.source, registry: f.registry ?? null, step: f.step ?? null })),
    workItems: settled
      ? []
      : [...byAgency].map(([agency, events]) => ({
          caseId,
          agency,
          events,
          since: openSince,
          dueAt: openStepDue(agency),
          procedureId: s.procedureId,
          provinceCode,
          communeCode,
        })),
  };
}
