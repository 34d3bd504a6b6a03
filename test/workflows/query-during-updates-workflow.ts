/**
 * Test-only workflow mirroring the statechart runner's pattern: an XState machine whose states carry `after`
 * delays (sandbox timers) that are cancelled when an update-sent event or an invoked fromPromise activity's
 * completion leaves the state, and a query reading the snapshot.
 */
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import { assign, createActor, fromPromise, setup } from 'xstate';
import { createWorkflowClock } from '../../workflows/xstate-clock';

const { work } = proxyActivities<{ work(n: number): Promise<number> }>({ startToCloseTimeout: '1 minute' });

export const goUpdate = defineUpdate<string, [number]>('go');
export const stateQuery = defineQuery<{ state: string; n: number }>('state');

const HOUR = 3_600_000;

export async function queryDuringUpdates(rounds: number): Promise<number> {
  const machine = setup({
    types: {} as { context: { n: number }; events: { type: 'GO'; n: number } },
    actors: { work: fromPromise<number, number>(async ({ input }) => await work(input)) },
  }).createMachine({
    context: { n: 0 },
    initial: 'waiting',
    states: {
      waiting: {
        always: { guard: ({ context }) => context.n >= 2 * rounds, target: 'done' }, // two activities per round
        after: { [HOUR]: 'timedOut' },
        on: { GO: 'working' },
      },
      working: {
        invoke: { src: 'work', input: ({ context }) => context.n, onDone: { target: 'review', actions: assign({ n: ({ event }) => event.output }) } },
      },
      // Left by the activity's completion: the continuation runs in the update's async context.
      review: {
        after: { [2 * HOUR]: 'timedOut' },
        invoke: { src: 'work', input: ({ context }) => context.n, onDone: { target: 'waiting', actions: assign({ n: ({ event }) => event.output }) } },
      },
      done: { type: 'final' },
      timedOut: { type: 'final' },
    },
  });
  const actor = createActor(machine, { clock: createWorkflowClock() }); // as the statechart runner does
  setHandler(
    goUpdate,
    (n) => {
      actor.send({ type: 'GO', n });
      return JSON.stringify(actor.getSnapshot().value);
    },
    {
      validator: (n) => {
        if (!actor.getSnapshot().can({ type: 'GO', n })) throw new Error('not now');
      },
    },
  );
  setHandler(stateQuery, () => ({ state: JSON.stringify(actor.getSnapshot().value), n: actor.getSnapshot().context.n }));
  actor.start();
  await condition(() => actor.getSnapshot().status !== 'active');
  return actor.getSnapshot().context.n;
}
