/**
 * The applicant-data phase as part of the chart model: the runner waits for the fields only the citizen can give
 * before a procedure's chart starts (workflows/application-data.ts). The model shows it as a generated parent state
 * `applicantData` (its leaf `awaitingData`) ahead of the chart's initial state: the applicant gives the missing
 * data (`provideData`), or the procedure's declared window lapses and the case ends rejected (`dataLapsed`).
 * Diagrams and `paths` read this model; fingerprints read the chart alone (the phase is the runner's, not a version's).
 */
import type { ProcedureDefinition } from '../procedures/types';
import { dataWindowWorkingDays } from '../workflows/applicant-data-rules';
import { readChart, type ChartModel, type ChartState } from './chart-model';

export const APPLICANT_DATA_PHASE = 'applicantData';
export const AWAITING_DATA = `${APPLICANT_DATA_PHASE}.awaitingData`;
export const DATA_LAPSED = 'dataLapsed';
/** The update the applicant sends the missing fields with (workflows/application-data.ts). */
export const PROVIDE_DATA = 'provideData';
export const DATA_WINDOW_DELAY = 'supplementWindow';

/** Whether cases of the procedure can wait for applicant data: it declares fields only the citizen gives. */
export function hasApplicantDataPhase(def: ProcedureDefinition): boolean {
  return def.data.some((f) => f.required && f.source.kind === 'citizen');
}

/** The chart model of a procedure as the runner runs it: with the generated applicant-data phase when it has one. */
export function procedureChart(def: ProcedureDefinition): ChartModel {
  const model = readChart(def.machine);
  if (!hasApplicantDataPhase(def)) return model;
  const root = model.byPath.get('')!;
  const atomic = (path: string, key: string, parent: string, kind: ChartState['kind'] = 'atomic'): ChartState => ({
    path,
    key,
    kind,
    parent,
    children: [],
    initial: [],
    invokes: [],
    transitions: [],
  });
  const phase: ChartState = {
    ...atomic(APPLICANT_DATA_PHASE, APPLICANT_DATA_PHASE, '', 'compound'),
    children: [AWAITING_DATA],
    initial: [AWAITING_DATA],
    transitions: [{ event: PROVIDE_DATA, kind: 'event', guard: null, actions: [], targets: [...root.initial] }],
  };
  const waiting: ChartState = {
    ...atomic(AWAITING_DATA, 'awaitingData', APPLICANT_DATA_PHASE),
    transitions: [{ event: `after:${DATA_WINDOW_DELAY}`, kind: 'after', detail: DATA_WINDOW_DELAY, guard: null, actions: [], targets: [DATA_LAPSED] }],
  };
  const lapsed = atomic(DATA_LAPSED, DATA_LAPSED, '', 'final');
  const newRoot: ChartState = { ...root, children: [APPLICANT_DATA_PHASE, ...root.children, DATA_LAPSED], initial: [APPLICANT_DATA_PHASE] };
  const states = [newRoot, phase, waiting, ...model.states.filter((s) => s.path !== ''), lapsed];
  return { machineId: model.machineId, states, byPath: new Map(states.map((s) => [s.path, s])) };
}

/** How the diagrams label the phase's transitions (null for the chart's own). */
export function applicantDataLabel(def: ProcedureDefinition, event: string): string | null {
  if (event === PROVIDE_DATA) return `${PROVIDE_DATA} by the applicant (the missing fields, if any)`;
  if (event === `after:${DATA_WINDOW_DELAY}` && !def.delays.some((d) => d.name === DATA_WINDOW_DELAY)) {
    return `after ${DATA_WINDOW_DELAY} (${dataWindowWorkingDays(def)} working days)`;
  }
  return null;
}

/** One line for `paths`: what happens before the chart starts. */
export function describeApplicantDataPhase(def: ProcedureDefinition): string | null {
  if (!hasApplicantDataPhase(def)) return null;
  return `before the chart: ${AWAITING_DATA} while citizen fields are missing → ${PROVIDE_DATA} → the chart, or after ${dataWindowWorkingDays(def)} working days → ${DATA_LAPSED} (outcome rejected)`;
}
