/**
 * Declared transition tables for the devserver's entities (after sdk-java's test server `StateMachines`):
 * an entity moves only through a transition its table declares; any other move throws
 * `IllegalTransitionError` (gRPC INTERNAL) carrying the entity's past transitions, never a silent no-op.
 *
 * An entity keeps its state in the run's jsonb state as `state` and its recent moves as `transitions`
 * (`"from -action-> to"`, the last TRANSITIONS_KEPT of them), so the error can say how it got there.
 *
 *   const timerMachine = defineTransitions('timer', {
 *     start: { from: [null], to: 'started' },
 *     fire: { from: ['started'], to: 'fired' },
 *   });
 *   timerMachine.apply(timer, 'fire', timerId);   // throws unless timer.state is 'started'
 */
import { InternalError } from '../errors';

/** How many past transitions an entity keeps for the error message. */
export const TRANSITIONS_KEPT = 12;

/** The part of an entity the machine reads and writes. `state` null/undefined = not created yet. */
export interface TrackedEntity<S extends string> {
  state?: S | null;
  transitions?: string[];
}

export interface TransitionSpec<S extends string> {
  /** States the action is allowed from; `null` = the entity does not exist yet (its creation). */
  from: readonly (S | null)[];
  /** The state after the move; omitted: the entity stays in the state it was in (a self-move). */
  to?: S;
}

export interface TransitionOptions {
  /** How many past transitions the entity keeps (default TRANSITIONS_KEPT). */
  kept?: number;
  /** Record a self-move only when it differs from the last recorded move (entities that repeat one often). */
  collapseRepeats?: boolean;
}

/** An undeclared move: a devserver bug (or corrupted state), answered as INTERNAL with the entity's past. */
export class IllegalTransitionError extends InternalError {
  constructor(
    readonly entity: string,
    readonly entityId: string,
    readonly from: string | null,
    readonly action: string,
    readonly history: readonly string[],
  ) {
    super(
      `illegal transition of ${entity} ${entityId}: "${action}" from ${from ?? '(none)'}; ` +
        `past transitions: ${history.length ? history.join(', ') : '(none)'}`,
    );
  }
}

export interface StateMachine<S extends string, A extends string> {
  readonly entity: string;
  readonly table: Readonly<Record<A, TransitionSpec<S>>>;
  /** Whether `action` is declared from the entity's current state. */
  can(e: TrackedEntity<S> | null | undefined, action: A): boolean;
  /**
   * Moves the entity (records the move, stamped with `at` when given); throws IllegalTransitionError when the
   * move is not declared.
   */
  apply<E extends TrackedEntity<S>>(e: E, action: A, entityId: string | number, at?: number): S;
  /** Throws IllegalTransitionError for `action` on the entity as it is (for a move found to be impossible). */
  reject(e: TrackedEntity<S> | null | undefined, action: A, entityId: string | number): never;
}

export function defineTransitions<S extends string, A extends string>(
  entity: string,
  table: Record<A, TransitionSpec<S>>,
  options: TransitionOptions = {},
): StateMachine<S, A> {
  const kept = options.kept ?? TRANSITIONS_KEPT;
  const can = (e: TrackedEntity<S> | null | undefined, action: A) => {
    const spec = table[action];
    return !!spec && spec.from.includes((e?.state ?? null) as S | null);
  };
  const reject = (e: TrackedEntity<S> | null | undefined, action: A, entityId: string | number): never => {
    throw new IllegalTransitionError(entity, String(entityId), e?.state ?? null, action, e?.transitions ?? []);
  };
  return {
    entity,
    table,
    can,
    reject,
    apply(e, action, entityId, at) {
      if (!can(e, action)) reject(e, action, entityId);
      const from = e.state ?? null;
      const to = table[action].to ?? (from as S);
      const past = e.transitions ?? [];
      const move = `${from ?? '(none)'} -${action}-> ${to}`;
      const repeated = options.collapseRepeats && to === from && past[past.length - 1]?.startsWith(move);
      if (!repeated) {
        const line = at === undefined ? move : `${move} @${new Date(at).toISOString()}`;
        e.transitions = [...past.slice(-(kept - 1)), line];
      }
      e.state = to;
      return to;
    },
  };
}
