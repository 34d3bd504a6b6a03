/** Small procedure definitions, each with known faults, for the designer's tests. */
import { fromPromise, setup } from 'xstate';
import type { ProcedureDefinition } from '../../procedures/types';

const noop = fromPromise(async () => ({}));

export const permitSetup = setup({
  types: { events: {} as { type: string; actor?: { kind: string; agency?: string } } },
  actors: { checkBirthDossier: noop, issueFishingPermit: noop },
  guards: { isOfficer: ({ event }) => event.actor?.kind === 'officer' },
  actions: { note: () => {} },
  delays: { answerWindow: 1000 },
});

/** A well-formed little procedure: check (service) → officer decides (deadline) → approved / refused. */
export function goodDefinition(overrides: Partial<ProcedureDefinition> = {}): ProcedureDefinition {
  return {
    id: 'permit',
    version: 1,
    title: 'Permit',
    legalBasis: ['Test Act'],
    agencies: ['justice'],
    data: [
      { name: 'applicant.personalId', type: 'personalId', required: true, source: { kind: 'citizen' }, purpose: 'p', legalBasis: 'l' },
      {
        name: 'applicant.fullName',
        type: 'string',
        required: true,
        source: { kind: 'registry', registry: 'population', keyField: 'applicant.personalId', attribute: 'fullName' },
        purpose: 'p',
        legalBasis: 'l',
      },
      { name: 'check.result', type: 'string', required: true, source: { kind: 'step', step: 'checkBirthDossier', output: 'complete' }, purpose: 'p', legalBasis: 'l' },
    ],
    deadlines: [
      { step: 'total', workingDays: 5, legalBasis: 'l' },
      { step: 'deciding', workingDays: 2, workingDaysWithVerification: 4, legalBasis: 'l' },
    ],
    delays: [{ name: 'answerWindow', workingDays: 7, legalBasis: 'l', description: 'd' }],
    events: [
      { type: 'APPROVE', actor: 'officer', agency: 'justice', description: 'approve' },
      { type: 'REFUSE', actor: 'officer', agency: 'justice', description: 'refuse', requiredFields: ['reason'] },
    ],
    services: [{ name: 'checkBirthDossier', agency: 'justice', description: 'check', purpose: 'p', legalBasis: 'l' }],
    outcomes: { approved: 'completed', refused: 'refused', failed: 'failed' },
    machine: permitSetup.createMachine({
      id: 'permit',
      initial: 'checking',
      states: {
        checking: { invoke: { id: 'checkBirthDossier', src: 'checkBirthDossier', onDone: 'deciding', onError: 'failed' } },
        deciding: {
          on: { APPROVE: { guard: 'isOfficer', target: 'approved' }, REFUSE: { guard: 'isOfficer', target: 'refused', actions: 'note' } },
          after: { answerWindow: 'refused' },
        },
        approved: { type: 'final' },
        refused: { type: 'final' },
        failed: { type: 'final' },
      },
    }),
    ...overrides,
  };
}
