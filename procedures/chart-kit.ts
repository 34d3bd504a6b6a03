/**
 * What every chart of the catalog shares, defined once: the parameterised officer guard, the refusal and
 * verification actions, service placeholders derived from the service declarations (the runner provides the real
 * services), reading done/error events. Sandbox-safe.
 */
import { assign, fromPromise, type AnyActorLogic, type AnyStateMachine } from 'xstate';
import type { AgencyId } from '../domain/registries';
import type { ProcedureDefinition, ProcedureEvent, ServiceDeclaration, ServiceFailure } from './types';

/** Nominal length of a working day for charts run outside the runner (pure tests); the runner overrides delays. */
export const NOMINAL_WORKING_DAY_MS = 24 * 60 * 60 * 1000;

export class ServiceNotProvidedError extends Error {
  readonly code = 'SERVICE_NOT_PROVIDED';
  constructor(name: string) {
    super(`Service "${name}" is provided by the statechart runner`);
  }
}

export function placeholder<O, I>(name: string) {
  return fromPromise<O, I>(async () => {
    throw new ServiceNotProvidedError(name);
  });
}

export interface Refusal {
  step: string;
  reason: string;
  by: string;
  code?: string;
}

export function failureOf(event: unknown): ServiceFailure {
  const error = (event as { error?: Partial<ServiceFailure> }).error;
  return {
    code: typeof error?.code === 'string' ? error.code : 'SERVICE_FAILED',
    message: typeof error?.message === 'string' ? error.message : 'service failed',
  };
}

export function outputOf<O>(event: unknown): O {
  return (event as { output: O }).output;
}

export function actorLabel(e: ProcedureEvent): string {
  return `${e.actor.kind}:${e.actor.id}`;
}

export function isOfficerOf(event: ProcedureEvent, agency: AgencyId): boolean {
  return event.actor?.kind === 'officer' && event.actor.agency === agency;
}

/** The placeholders of a procedure's declared services, by name: a chart invokes them, the runner provides them. */
export function servicePlaceholders<N extends string>(services: readonly (ServiceDeclaration & { name: N })[]): Record<N, AnyActorLogic> {
  return Object.fromEntries(services.map((s) => [s.name, placeholder<unknown, unknown>(s.name)])) as Record<N, AnyActorLogic>;
}

/** Params of the `isOfficerOf` guard: an officer of `agency`; a refusal also states a reason, a request names what is missing. */
export interface OfficerGuardParams {
  agency: AgencyId;
  requires?: 'reason' | 'missing';
}

const capitalised = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

/**
 * `{ type: 'isOfficerOf', params: { agency } }`: the event comes from an officer of the agency owning the step.
 * Its behaviour name (read by the designer's chart model, hence fingerprints and diagrams) is the name the
 * per-agency guard it replaced had (`isPoliceOfficer`, `isJusticeOfficerWithReason`…): the same behaviour, the same
 * fingerprint, so locked versions stay valid.
 */
export const isOfficerOfGuard = Object.assign(
  ({ event }: { event: ProcedureEvent }, params: OfficerGuardParams): boolean =>
    isOfficerOf(event, params.agency) &&
    (params.requires !== 'reason' || hasReason(event)) &&
    (params.requires !== 'missing' || (Array.isArray(event.missing) && event.missing.length > 0)),
  {
    behaviourName: (p: OfficerGuardParams) =>
      `is${capitalised(p.agency)}Officer${p.requires === 'reason' ? 'WithReason' : p.requires === 'missing' ? 'NamingMissing' : ''}`,
  },
);

export interface RefusalContext {
  refusals: Refusal[];
  verificationNeeded?: boolean;
}

/**
 * The actions every chart shares. `recordRefusal` / `recordServiceRefusal` take their step from `params.step`, else
 * from `defaultStep` (a procedure with one step); `recordLapse` records a lapse of time with its reason.
 */
export function sharedActions<C extends RefusalContext>(defaultStep?: string) {
  type P = { step?: string; reason?: string } | undefined;
  const stepOf = (params: P) => params?.step ?? defaultStep ?? 'case';
  return {
    /** Verification is needed: the longer deadlines apply. */
    markVerificationNeeded: assign<C, ProcedureEvent, undefined, ProcedureEvent, never>(() => ({ verificationNeeded: true }) as unknown as Partial<C>),
    /** A refusal with its reason (from the event, else `params.reason`). */
    recordRefusal: assign<C, ProcedureEvent, P, ProcedureEvent, never>(({ context, event }, params) => ({
      refusals: [...context.refusals, refusalFromEvent(stepOf(params), event, params?.reason)],
    }) as Partial<C>),
    /** A refusal caused by a failed service (e.g. no household found), its error code kept. */
    recordServiceRefusal: assign<C, ProcedureEvent, P, ProcedureEvent, never>(({ context, event }, params) => ({
      refusals: [...context.refusals, refusalFromFailure(stepOf(params), event)],
    }) as Partial<C>),
    /** A lapse of time (supplement, consent or confirmation window). */
    recordLapse: assign<C, ProcedureEvent, P, ProcedureEvent, never>(({ context }, params) => ({
      refusals: [...context.refusals, { step: stepOf(params), reason: params?.reason ?? 'the time allowed lapsed', by: 'system', code: 'DEADLINE_LAPSED' }],
    }) as Partial<C>),
  };
}

export function hasReason(event: ProcedureEvent): boolean {
  return typeof event.reason === 'string' && event.reason.trim() !== '';
}

export function isCitizen(event: ProcedureEvent, personalId: string | undefined | null): boolean {
  return event.actor?.kind === 'citizen' && !!personalId && event.actor.id === personalId;
}

/** A refusal from an event (reason from the event, else the given one). */
export function refusalFromEvent(step: string, event: ProcedureEvent, fallback?: string): Refusal {
  const reason = hasReason(event) ? (event.reason as string) : (fallback ?? 'refused');
  return { step, reason, by: actorLabel(event) };
}

/** A refusal caused by a failed service (its error code kept). */
export function refusalFromFailure(step: string, event: unknown): Refusal {
  const f = failureOf(event);
  return { step, reason: f.message, code: f.code, by: 'system' };
}

/**
 * Who checks who may send an event. The runner always does, from the event declarations (actor, agency, required
 * fields, `actorIdFrom`: workflows/event-validation.ts). Version 1 charts restated it as guards (`inChart`); they are
 * frozen, for the cases running on them. Later versions leave it to the runner alone (`byRunner`, the default).
 */
export type SenderRule = 'inChart' | 'byRunner';

/** The named guard a v1 chart restated a sender rule with; nothing for later versions. */
export function senderGuard<const G>(senders: SenderRule, guard: G): { guard: G } | Record<never, never> {
  return senders === 'inChart' ? { guard } : {};
}

type OfficerGuard = { guard: { type: 'isOfficerOf'; params: OfficerGuardParams } } | Record<never, never>;
type OfficerTransition = OfficerGuard & {
  target?: string;
  actions?: 'markVerificationNeeded' | 'recordRefusal' | { type: 'recordRefusal'; params: { step: string } };
};

/** The officer guard of a v1 chart (`senders: 'inChart'`), or nothing. */
export function officerGuard(senders: SenderRule, agency: AgencyId, requires?: OfficerGuardParams['requires']): OfficerGuard {
  return senderGuard(senders, { type: 'isOfficerOf' as const, params: requires ? { agency, requires } : { agency } });
}

/**
 * The "check → officer decides → act" step's waiting state: an officer of `agency` approves (to `approve[1]`),
 * may require verification (`verify`: the longer deadline applies), or refuses with reasons (to `refuse[1]`, the
 * refusal recorded for step `refuse[2]`, else the procedure's default step). `more` adds other events of the state
 * (e.g. a supplement request), between verification and refusal. `senders`: see SenderRule.
 */
export function officerDecision<M extends Record<string, object> = Record<never, never>>(o: {
  agency: AgencyId;
  approve: readonly [event: string, target: string];
  verify?: string;
  more?: M;
  refuse: readonly [event: string, target: string, step?: string];
  senders?: SenderRule;
}): { on: Record<string, OfficerTransition> & M } {
  const senders = o.senders ?? 'byRunner';
  const [refuseEvent, refuseTarget, step] = o.refuse;
  return {
    on: {
      [o.approve[0]]: { ...officerGuard(senders, o.agency), target: o.approve[1] },
      ...(o.verify ? { [o.verify]: { ...officerGuard(senders, o.agency), actions: 'markVerificationNeeded' as const } } : {}),
      ...o.more,
      [refuseEvent]: {
        ...officerGuard(senders, o.agency, 'reason'),
        target: refuseTarget,
        actions: step ? { type: 'recordRefusal' as const, params: { step } } : ('recordRefusal' as const),
      },
    } as Record<string, OfficerTransition> & M,
  };
}

/**
 * A state that invokes one declared service (its id is its name): `input` builds the service input from the context;
 * `onDone` / `onError` are the transitions on its result and on its failure. Bind it to a chart's context once:
 * `const serviceStep = serviceStepOf<MyContext>()`.
 */
export function serviceStepOf<C>() {
  return <const S extends string, const D extends object, const E extends object>(src: S, input: (args: { context: C }) => unknown, onDone: D, onError: E) => ({
    invoke: { id: src, src, input, onDone, onError },
  });
}

/**
 * The states of a procedure that is one "check → officer decides → act" step: `checking` invokes the check service
 * (its output stored by the chart's `storeCheck`; a failure rejects the case), `awaitingOfficer` waits for the officer
 * of `agency`, the act state (`act.state`) invokes the act service (stored by `act.store`) and ends in `done`;
 * `rejected`, `refused` and `failed` are the other ends. Outcomes: `decisionOutcomes(done)`.
 */
export function checkDecideActStates<C, const Store extends string = string>(o: {
  check: { service: string; input: (args: { context: C }) => unknown };
  decide: { agency: AgencyId; approve: string; verify?: string; refuse: string };
  act: { state: string; service: string; input: (args: { context: C }) => unknown; store: Store };
  done: string;
  senders: SenderRule;
}) {
  const serviceStep = serviceStepOf<C>();
  const final = { type: 'final' as const };
  return {
    checking: serviceStep(o.check.service, o.check.input, { target: 'awaitingOfficer', actions: 'storeCheck' as const }, { target: 'rejected', actions: 'recordServiceRefusal' as const }),
    awaitingOfficer: officerDecision({
      agency: o.decide.agency,
      approve: [o.decide.approve, o.act.state],
      ...(o.decide.verify ? { verify: o.decide.verify } : {}),
      refuse: [o.decide.refuse, 'refused'],
      senders: o.senders,
    }),
    [o.act.state]: serviceStep(o.act.service, o.act.input, { target: o.done, actions: o.act.store }, { target: 'failed', actions: 'recordServiceRefusal' as const }),
    [o.done]: final,
    /** The check found the case cannot proceed (unknown applicant, conditions not met). */
    rejected: final,
    /** The officer refused, stating reasons. */
    refused: final,
    /** The registry write failed in a way retrying cannot fix. */
    failed: final,
  };
}

/** The outcomes of a check → decide → act procedure whose success ends in `done`. */
export function decisionOutcomes(done: string): Record<string, string> {
  return { [done]: 'completed', rejected: 'rejected', refused: 'refused', failed: 'failed' };
}

/** Which fields of the case were read from registries and which the applicant gave, from the check's output. */
export function dataReuseOf(check: { reusedFields: string[]; collectedFields: string[] } | undefined) {
  return check ? { reusedFields: check.reusedFields, collectedFields: check.collectedFields } : null;
}

/**
 * A definition whose chart is built on its first use. The workflow sandbox evaluates the whole catalog for every
 * workflow it starts or replays; building every version's machine there cost about a third of the engine worker's
 * workflow CPU (bench:scale profile), where a case needs only its own.
 */
export function withChart(def: Omit<ProcedureDefinition, 'machine'>, build: () => AnyStateMachine): ProcedureDefinition {
  let machine: AnyStateMachine | undefined;
  return Object.defineProperty({ ...def }, 'machine', { enumerable: true, get: () => (machine ??= build()) }) as ProcedureDefinition;
}

/**
 * Another version of `def`: its declarations with `changes`, and its chart (shared, still built on first use) unless
 * `build` gives another. Copies property descriptors: a spread would build the chart now.
 */
export function versionOf(
  def: ProcedureDefinition,
  changes: Partial<Omit<ProcedureDefinition, 'machine'>> & { version: number },
  build?: () => AnyStateMachine,
): ProcedureDefinition {
  const { machine: shared, ...declarations } = Object.getOwnPropertyDescriptors(def);
  const base = Object.assign(Object.defineProperties({}, declarations), changes) as Omit<ProcedureDefinition, 'machine'>;
  return build ? withChart(base, build) : (Object.defineProperty(base, 'machine', shared) as ProcedureDefinition);
}

/**
 * A later version whose chart restates no sender rule (`byRunner`): the same declarations under a new number,
 * active, so new cases start on it; `def` stays for the cases running on it. (It was a draft first: `status` is not
 * fingerprinted, so promoting it was not a behaviour change.)
 */
export function runnerCheckedVersion(def: ProcedureDefinition, version: number, build: () => AnyStateMachine): ProcedureDefinition {
  return versionOf(def, { version, status: 'active' }, build);
}

/**
 * The top-level ends of an interconnected group (birth, death): its follow-up procedures' region is done (`onDone`:
 * partially completed when one was refused, else completed), or the first procedure ended the case.
 */
export function groupEnds() {
  const final = { type: 'final' as const };
  return {
    /** Every procedure of the group completed. */
    completed: final,
    /** The first procedure's registration stands; a later one was refused or not due: the refusals state the reasons. */
    partiallyCompleted: final,
    /** The dossier could not be checked or completed (unknown person, not supplemented in time…). Nothing was registered. */
    rejected: final,
    /** The officer refused the first procedure, stating reasons. Nothing was registered. */
    refused: final,
    /** A registry write failed in a way retrying cannot fix: needs an officer's attention. */
    failed: final,
  };
}

/** `onDone` of a group's follow-up region (the chart's `followUpRefused` guard), and the group's outcomes. */
export const GROUP_FOLLOW_UPS_DONE = [{ guard: 'followUpRefused' as const, target: 'partiallyCompleted' }, { target: 'completed' }];
export const GROUP_OUTCOMES: Record<string, string> = {
  completed: 'completed',
  partiallyCompleted: 'partiallyCompleted',
  rejected: 'rejected',
  refused: 'refused',
  failed: 'failed',
};
