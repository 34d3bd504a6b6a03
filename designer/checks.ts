/**
 * Static checks of a procedure definition: the chart (reachability, dead ends, final outcomes), its services
 * (declared, owned by an agency whose worker registers them), its events (someone may send them), its data
 * (every required field has a source) and its deadlines (every officer step has one).
 */
import type { ProcedureDefinition } from '../procedures/types';
import type { Catalog } from '../procedures/catalog';
import type { AgencyServices } from './agency-services';
import {
  ancestry,
  isInternalEvent,
  isWithin,
  reachableStates,
  readChart,
  topLevelFinals,
  type ChartModel,
} from './chart-model';
import { finishableLeaves } from './finishable';
import { AWAITING_DATA, DATA_WINDOW_DELAY, hasApplicantDataPhase, procedureChart } from './applicant-data-phase';
import { dataWindowWorkingDays } from '../workflows/applicant-data-rules';

export type Severity = 'error' | 'warning';

export interface Problem {
  severity: Severity;
  code: string;
  procedureId: string;
  version: number;
  /** Dotted state path, when the problem is about a state. */
  state?: string;
  /** Full sentence naming procedure, version, state and problem. */
  message: string;
}

export interface CheckContext {
  /** Activities each agency's worker registers (see agency-services.ts). */
  agencyServices: AgencyServices;
  /** Other procedures, for data that comes from another procedure's step. */
  catalog?: Catalog;
}

function where(def: ProcedureDefinition, state?: string): string {
  return `${def.id} v${def.version}${state === undefined ? '' : `, state "${state}"`}`;
}

class Collector {
  readonly problems: Problem[] = [];
  constructor(private readonly def: ProcedureDefinition) {}
  add(severity: Severity, code: string, text: string, state?: string) {
    this.problems.push({
      severity,
      code,
      procedureId: this.def.id,
      version: this.def.version,
      ...(state === undefined ? {} : { state }),
      message: `${where(this.def, state)}: ${text}`,
    });
  }
}

export function checkProcedure(def: ProcedureDefinition, ctx: CheckContext): Problem[] {
  const model = readChart(def.machine);
  const out = new Collector(def);
  // The structure as cases run it: with the generated applicant-data phase ahead of the chart.
  checkStructure(procedureChart(def), out);
  checkApplicantDataPhase(def, out);
  checkGuards(def, model, out);
  checkServices(def, model, ctx, out);
  checkEvents(def, model, out);
  checkDelays(def, model, out);
  checkData(def, ctx, out);
  checkDeadlines(def, model, out);
  checkOutcomes(def, model, out);
  return out.problems;
}

function checkStructure(model: ChartModel, out: Collector) {
  const reached = reachableStates(model);
  for (const s of model.states) {
    if (!reached.has(s.path)) out.add('error', 'UNREACHABLE_STATE', 'unreachable from the initial state', s.path);
  }
  for (const s of model.states) {
    if (s.kind !== 'atomic') continue;
    // A way out: a transition of the state or an ancestor that leaves the state (onDone of an ancestor needs this
    // state to finish first, so it does not count; a targetless or self transition keeps the case here).
    const exits = ancestry(model, s.path).some((a) =>
      a.transitions.some((t) => t.kind !== 'stateDone' && t.targets.some((target) => target !== s.path)),
    );
    if (!exits) out.add('error', 'NO_WAY_OUT', 'not final and has no transition out: a case would wait here forever', s.path);
  }
  const finishing = finishableLeaves(model);
  for (const s of model.states) {
    if (s.children.length > 0 || s.kind === 'final' || !reached.has(s.path) || finishing.has(s.path)) continue;
    if (out.problems.some((p) => p.code === 'NO_WAY_OUT' && p.state === s.path)) continue;
    out.add('error', 'NO_PATH_TO_FINAL', 'no path from here reaches a final state (a cycle with no exit): a case would never end', s.path);
  }
}

/** The applicant-data phase waits for the procedure's declared window: an empty one would reject every such case at once. */
function checkApplicantDataPhase(def: ProcedureDefinition, out: Collector) {
  if (!hasApplicantDataPhase(def) || dataWindowWorkingDays(def) > 0) return;
  out.add(
    'error',
    'DATA_WINDOW_EMPTY',
    `the applicant-data phase waits ${dataWindowWorkingDays(def)} working days (delay ${DATA_WINDOW_DELAY}): a case missing citizen data would lapse at once`,
    AWAITING_DATA,
  );
}

/** Guards named in the chart must be implemented in its setup (XState would throw when the case gets there). */
function checkGuards(def: ProcedureDefinition, model: ChartModel, out: Collector) {
  const implemented = new Set(Object.keys((def.machine as { implementations?: { guards?: object } }).implementations?.guards ?? {}));
  for (const s of model.states) {
    for (const t of s.transitions) {
      if (!t.guard || t.guard.startsWith('<inline>')) continue;
      const name = t.guardImpl ?? t.guard.replace(/\(.*$/, '');
      if (implemented.has(name)) continue;
      out.add('error', 'UNKNOWN_GUARD', `guard "${name}" (on ${t.event}) is not implemented in the procedure's setup`, s.path);
    }
  }
}

function checkServices(def: ProcedureDefinition, model: ChartModel, ctx: CheckContext, out: Collector) {
  const invoked = new Set<string>();
  for (const s of model.states) {
    for (const inv of s.invokes) {
      invoked.add(inv.src);
      const decl = def.services.find((d) => d.name === inv.src);
      if (!decl) {
        out.add('error', 'UNDECLARED_SERVICE', `invokes "${inv.src}", which is not declared in services (no agency owns it)`, s.path);
        continue;
      }
      const provided = ctx.agencyServices.get(decl.agency);
      if (!provided) {
        out.add('error', 'UNKNOWN_AGENCY', `invokes "${inv.src}" of agency "${decl.agency}", which has no worker`, s.path);
      } else if (!provided.has(inv.src)) {
        out.add(
          'error',
          'SERVICE_NOT_PROVIDED',
          `invokes "${inv.src}" (agency ${decl.agency}), which the ${decl.agency} worker does not register (it registers: ${[...provided].sort().join(', ')})`,
          s.path,
        );
      }
    }
  }
  for (const decl of def.services) {
    if (!def.agencies.includes(decl.agency)) {
      out.add('error', 'SERVICE_AGENCY_NOT_LISTED', `service "${decl.name}" belongs to agency ${decl.agency}, which is not in the procedure's agencies`);
    }
    if (!invoked.has(decl.name)) out.add('warning', 'UNUSED_SERVICE', `service "${decl.name}" is declared but no state invokes it`);
  }
}

function checkEvents(def: ProcedureDefinition, model: ChartModel, out: Collector) {
  const used = new Set<string>();
  for (const s of model.states) {
    for (const t of s.transitions) {
      if (t.kind !== 'event' || isInternalEvent(t.event) || used.has(`${s.path}|${t.event}`)) continue;
      used.add(`${s.path}|${t.event}`);
      if (t.event === '*') {
        out.add('error', 'WILDCARD_EVENT', 'accepts any event ("*"): declare each event with its actor instead', s.path);
      } else if (!def.events.some((e) => e.type === t.event)) {
        out.add('error', 'UNDECLARED_EVENT', `event "${t.event}" has no declared actor: no citizen, officer or system may send it`, s.path);
      }
    }
  }
  const accepted = new Set([...used].map((k) => k.split('|')[1]));
  for (const e of def.events) {
    if (e.actor === 'officer' && !e.agency) {
      out.add('error', 'OFFICER_EVENT_WITHOUT_AGENCY', `event "${e.type}" is sent by an officer but names no agency`);
    }
    if (e.agency && !def.agencies.includes(e.agency)) {
      out.add('error', 'EVENT_AGENCY_NOT_LISTED', `event "${e.type}" is sent by an officer of ${e.agency}, which is not in the procedure's agencies`);
    }
    if (!accepted.has(e.type)) out.add('warning', 'UNUSED_EVENT', `event "${e.type}" is declared but no state accepts it`);
  }
}

function checkDelays(def: ProcedureDefinition, model: ChartModel, out: Collector) {
  for (const s of model.states) {
    for (const t of s.transitions) {
      if (t.kind !== 'after') continue;
      const delay = t.detail ?? '';
      if (/^\d+$/.test(delay)) {
        out.add('warning', 'FIXED_DELAY', `waits a fixed ${delay} ms: name the delay and declare it in working days`, s.path);
      } else if (!def.delays.some((d) => d.name === delay)) {
        out.add('error', 'UNDECLARED_DELAY', `delay "${delay}" is not declared (the runner would not count it in working days)`, s.path);
      }
    }
  }
}

function checkData(def: ProcedureDefinition, ctx: CheckContext, out: Collector) {
  const names = new Set(def.data.map((f) => f.name));
  for (const f of def.data) {
    if (!f.required) continue;
    const src = f.source;
    if (src.kind === 'registry' && !names.has(src.keyField)) {
      out.add(
        'error',
        'UNSOURCED_FIELD',
        `required field "${f.name}" has no source: its ${src.registry} registry key "${src.keyField}" is not a declared field`,
      );
    } else if (src.kind === 'step' && !isStepOf(def, src.step)) {
      const other = [...(ctx.catalog?.values() ?? [])]
        .flatMap((versions) => [...versions.values()])
        .find((d) => d.id !== def.id && d.services.some((s) => s.name === src.step));
      if (other) {
        out.add(
          'warning',
          'FIELD_FROM_OTHER_PROCEDURE',
          `required field "${f.name}" comes from step "${src.step}" of another procedure (${other.id}): the case input must carry it`,
        );
      } else {
        out.add(
          'error',
          'UNSOURCED_FIELD',
          `required field "${f.name}" has no source: step "${src.step}" is neither a service nor an event of this procedure`,
        );
      }
    }
  }
}

/** Camel case of an event type: HEAD_CONSENT → headConsent. */
export function stepNameOfEvent(type: string): string {
  return type.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** A step is a service the procedure invokes, or an event it accepts (by type or its camel-case name). */
function isStepOf(def: ProcedureDefinition, step: string): boolean {
  return def.services.some((s) => s.name === step) || def.events.some((e) => e.type === step || stepNameOfEvent(e.type) === step);
}

function checkDeadlines(def: ProcedureDefinition, model: ChartModel, out: Collector) {
  const stepPaths = def.deadlines.filter((d) => d.step !== 'total').map((d) => d.statePath ?? d.step);
  for (const d of def.deadlines) {
    if (d.step === 'total') continue;
    const path = d.statePath ?? d.step;
    if (!model.byPath.has(path)) out.add('error', 'DEADLINE_STATE_UNKNOWN', `deadline "${d.step}" names state "${path}", which the chart does not have`);
  }
  for (const s of model.states) {
    const officerEvents = [
      ...new Set(
        s.transitions
          .filter((t) => t.kind === 'event' && def.events.some((e) => e.type === t.event && e.actor === 'officer'))
          .map((t) => t.event),
      ),
    ];
    if (officerEvents.length === 0) continue;
    if (!stepPaths.some((p) => isWithin(s.path, p))) {
      out.add(
        'error',
        'OFFICER_STEP_WITHOUT_DEADLINE',
        `officer step (waits for ${officerEvents.join(', ')}) has no deadline`,
        s.path,
      );
    }
  }
}

function checkOutcomes(def: ProcedureDefinition, model: ChartModel, out: Collector) {
  const finals = topLevelFinals(model);
  for (const f of finals) {
    if (!(f.path in def.outcomes)) out.add('error', 'FINAL_WITHOUT_OUTCOME', 'final state has no declared outcome', f.path);
  }
  for (const name of Object.keys(def.outcomes)) {
    if (!finals.some((f) => f.path === name)) out.add('error', 'OUTCOME_STATE_UNKNOWN', `outcome "${name}" names no top-level final state`);
  }
}

export const hasErrors = (problems: readonly Problem[]) => problems.some((p) => p.severity === 'error');
