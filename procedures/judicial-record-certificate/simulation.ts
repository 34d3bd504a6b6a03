/** Simulation data of the judicial record certificate (designer/sim-inputs.ts): one adult of the seed asks for it. */
import type { ProcedureSimulation } from '../types';
import type { JudicialRecordApplication } from './case';

export const JUDICIAL_RECORD_SIMULATION: ProcedureSimulation = {
  variants: [
    {
      name: 'default',
      cast: { applicant: 'adult' },
      input: (_tag, { cast }) => ({
        application: {
          applicant: { personalId: cast.applicant.person.personalId },
          certificateType: '1',
          purposeOfRequest: 'employment application',
        } satisfies JudicialRecordApplication,
      }),
    },
  ],
};
