/** What a diagram says about each state and transition: agencies, deadlines, delays, actors and data sources. */
import type { ProcedureDefinition } from '../procedures/types';
import type { ChartModel, ChartState, ChartTransition } from './chart-model';
import { applicantDataLabel, AWAITING_DATA } from './applicant-data-phase';

export function workingDays(n: number): string {
  return `${n} working day${n === 1 ? '' : 's'}`;
}

/** Lines describing a state: services it invokes (with agency), its deadline, whom it waits for. */
export function stateNotes(def: ProcedureDefinition, s: ChartState): string[] {
  const lines: string[] = [];
  for (const inv of s.invokes) {
    const decl = def.services.find((d) => d.name === inv.src);
    lines.push(`service ${inv.src} (${decl ? decl.agency : 'undeclared'})`);
  }
  for (const d of def.deadlines) {
    if (d.step === 'total') continue;
    if ((d.statePath ?? d.step) !== s.path) continue;
    const extra = d.workingDaysWithVerification === undefined ? '' : `, ${d.workingDaysWithVerification} with verification`;
    lines.push(`deadline ${workingDays(d.workingDays)}${extra}`);
  }
  const waits = new Set<string>();
  for (const t of s.transitions) {
    const e = t.kind === 'event' ? def.events.find((x) => x.type === t.event) : undefined;
    if (e) waits.add(e.actor === 'officer' ? `officer (${e.agency ?? '?'})` : e.actor);
  }
  if (s.path === AWAITING_DATA) waits.add('the applicant (missing fields)');
  if (waits.size > 0) lines.push(`waits for ${[...waits].join(', ')}`);
  return lines;
}

/** Label of a transition: event with its actor, delay in working days, service outcome, guard. */
export function transitionLabel(def: ProcedureDefinition, t: ChartTransition): string {
  const phase = applicantDataLabel(def, t.event);
  if (phase !== null) return phase;
  let label: string;
  switch (t.kind) {
    case 'event': {
      const e = def.events.find((x) => x.type === t.event);
      const who = !e ? 'undeclared' : e.actor === 'officer' ? `officer ${e.agency ?? '?'}` : e.actor;
      label = `${t.event} by ${who}`;
      break;
    }
    case 'after': {
      const d = def.delays.find((x) => x.name === t.detail);
      label = d ? `after ${d.name} (${workingDays(d.workingDays)})` : `after ${t.detail}`;
      break;
    }
    case 'invokeDone':
      label = `${t.detail} done`;
      break;
    case 'invokeError':
      label = `${t.detail} failed`;
      break;
    case 'stateDone':
      label = 'all done';
      break;
    default:
      label = 'always';
  }
  return t.guard && t.kind !== 'event' ? `${label} [${t.guard}]` : label;
}

/** The procedure-wide notes: total deadline and where the data comes from. */
export function procedureNotes(def: ProcedureDefinition): string[] {
  const lines: string[] = [`${def.title} (${def.id} v${def.version}${def.status === 'draft' ? ', draft' : ''})`];
  lines.push(`agencies: ${def.agencies.join(', ')}`);
  const total = def.deadlines.find((d) => d.step === 'total');
  if (total) {
    const extra = total.workingDaysWithVerification === undefined ? '' : ` (${total.workingDaysWithVerification} with verification)`;
    lines.push(`total deadline: ${workingDays(total.workingDays)}${extra}`);
  }
  const groups = new Map<string, string[]>();
  for (const f of def.data) {
    const key =
      f.source.kind === 'registry'
        ? `registry ${f.source.registry}`
        : f.source.kind === 'step'
          ? `step ${f.source.step}`
          : 'citizen';
    groups.set(key, [...(groups.get(key) ?? []), f.name]);
  }
  for (const [key, fields] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`data from ${key}: ${fields.join(', ')}`);
  }
  return lines;
}

/** Display name of a state: its key, or the machine id for the root. */
export function stateName(model: ChartModel, s: ChartState): string {
  return s.path === '' ? model.machineId : s.key;
}

/** For a leaf in the SVG: the step deadlines that count while the case is in it (an ancestor's). */
export function coveringDeadlines(def: ProcedureDefinition, s: ChartState): string[] {
  if (s.kind === 'final') return [];
  return def.deadlines
    .filter((d) => d.step !== 'total' && s.path.startsWith(`${d.statePath ?? d.step}.`))
    .map((d) => {
      const extra = d.workingDaysWithVerification === undefined ? '' : `, ${d.workingDaysWithVerification} with verification`;
      return `deadline ${d.step}: ${workingDays(d.workingDays)}${extra}`;
    });
}
