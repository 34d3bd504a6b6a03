/**
 * A fixture procedure defined only under test/: a library card, one service of the fixture agency. Sandbox-safe (it
 * is bundled into the fixture's workflow code, ./fixture-workflows.ts).
 */
import { assign, fromPromise, setup } from 'xstate';
import type { AgencyId } from '../../domain/registries';
import { CATALOG } from '../../procedures/catalog';
import type { ProcedureDefinition, ServiceDeclaration } from '../../procedures/types';

const LEGAL_BASIS = 'Library Law 2019, Art. 25 (fixture)';
const LIBRARY = 'library' as AgencyId; // outside the agency list on purpose

interface LibraryCaseContext {
  caseId: string;
  application: { applicant: { personalId: string } };
  card?: unknown;
  refusals: { step: string; code: string; reason: string }[];
}

const services: readonly ServiceDeclaration[] = [
  { name: 'issueLibraryCard', agency: LIBRARY, description: 'Reads the reader from the population database; issues the card', purpose: 'issue a library card', legalBasis: LEGAL_BASIS },
];

const machine = setup({
  types: { context: {} as LibraryCaseContext, input: {} as { caseId: string; application: LibraryCaseContext['application'] } },
  actors: {
    // Provided by the runner (an activity on the library's task queue).
    issueLibraryCard: fromPromise<unknown, { readerId: string }>(async () => {
      throw new Error('issueLibraryCard is provided by the runner');
    }),
  },
}).createMachine({
  id: 'libraryCard',
  context: ({ input }) => ({ caseId: input.caseId, application: input.application, refusals: [] }),
  initial: 'issuing',
  states: {
    issuing: {
      invoke: {
        src: 'issueLibraryCard',
        input: ({ context }) => ({ readerId: context.application.applicant.personalId }),
        onDone: { target: 'issued', actions: assign({ card: ({ event }) => event.output }) },
        onError: {
          target: 'refused',
          actions: assign({
            refusals: ({ context, event }) => {
              const error = event.error as { code?: string; message?: string };
              return [...context.refusals, { step: 'issueLibraryCard', code: error?.code ?? 'SERVICE_FAILED', reason: error?.message ?? '' }];
            },
          }),
        },
      },
    },
    issued: { type: 'final' },
    refused: { type: 'final' },
  },
});

export const libraryCardV1: ProcedureDefinition = {
  id: 'library-card',
  version: 1,
  title: 'Library card (fixture)',
  legalBasis: [LEGAL_BASIS],
  agencies: [LIBRARY],
  data: [{ name: 'applicant.personalId', type: 'personalId', required: true, source: { kind: 'citizen' }, purpose: 'identify the reader', legalBasis: LEGAL_BASIS }],
  deadlines: [{ step: 'total', workingDays: 1, legalBasis: LEGAL_BASIS }],
  delays: [],
  events: [],
  services,
  outcomes: { issued: 'completed', refused: 'refused' },
  machine,
  results: (c: LibraryCaseContext) => ({ card: c.card ?? null, refusals: c.refusals }),
};

/**
 * The catalog has no registration hook for a procedure outside procedures/, so the fixture adds itself to the
 * catalog's map, in the test process (client, read model) and in its own workflow bundle.
 */
export function addFixtureProcedure(): void {
  const catalog = CATALOG as Map<string, ReadonlyMap<number, ProcedureDefinition>>;
  if (!catalog.has(libraryCardV1.id)) catalog.set(libraryCardV1.id, new Map([[libraryCardV1.version, libraryCardV1]]));
}
