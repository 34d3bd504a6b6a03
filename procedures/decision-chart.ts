/**
 * The whole chart of a procedure that is one "check → officer decides → act" step (judicial record certificate,
 * household business tax registration, unemployment benefit): its setup — service placeholders from the
 * declarations, the officer guard, the shared actions, storing the check's output (`storeCheck` → `check`) and the
 * act's (`store<Field>` → `<field>`) — and its states (`checkDecideActStates`). Sandbox-safe.
 */
import { assign, setup, type AnyStateMachine } from 'xstate';
import type { ProcedureEvent, ServiceDeclaration } from './types';
import { checkDecideActStates, dataReuseOf, isOfficerOfGuard, outputOf, servicePlaceholders, sharedActions, type SenderRule } from './chart-kit';

type Steps<C> = Parameters<typeof checkDecideActStates<C>>[0];

export function checkDecideActChart<C>(o: {
  /** The machine id. */
  id: string;
  services: readonly ServiceDeclaration[];
  /** The step refusals are recorded for. */
  refusalStep: string;
  /** The context field the act's output is stored in. */
  actOutput: string;
  /** More initial context besides the case id, the application and the refusals. */
  context?: Record<string, unknown>;
  steps: Omit<Steps<C>, 'senders' | 'act'> & { act: Omit<Steps<C>['act'], 'store'> };
}): (senders: SenderRule) => AnyStateMachine {
  const store = `store${o.actOutput.charAt(0).toUpperCase()}${o.actOutput.slice(1)}`;
  const chartSetup = setup({
    types: {} as { context: any; events: ProcedureEvent; input: { caseId: string; application: unknown } },
    actors: servicePlaceholders(o.services),
    guards: { isOfficerOf: isOfficerOfGuard },
    actions: {
      ...sharedActions<any>(o.refusalStep),
      storeCheck: assign({ check: ({ event }) => outputOf(event) }),
      [store]: assign(({ event }) => ({ [o.actOutput]: outputOf(event) })),
    },
  });
  return (senders) =>
    chartSetup.createMachine({
      id: o.id,
      context: ({ input }: { input: { caseId: string; application: unknown } }) => ({ caseId: input.caseId, application: input.application, refusals: [], ...o.context }),
      initial: 'checking',
      states: checkDecideActStates<C>({ ...o.steps, act: { ...o.steps.act, store }, senders }) as any,
    });
}

/**
 * The results of a check → decide → act case: what the act produced (context field `actOutput`, handed back as
 * `resultName`), the refusals, and which fields were read from registries rather than asked for.
 */
export function decisionResults(resultName: string, actOutput: string) {
  return (c: { refusals: unknown[]; check?: { reusedFields: string[]; collectedFields: string[] } } & Record<string, unknown>) => ({
    [resultName]: c[actOutput] ?? null,
    refusals: c.refusals,
    dataReuse: dataReuseOf(c.check),
  });
}
