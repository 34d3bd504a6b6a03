/** Simulation data of marriage registration (designer/sim-inputs.ts): an unrelated unmarried couple of the seed. */
import type { ProcedureSimulation } from '../types';
import type { MarriageApplication } from './case';

export const MARRIAGE_SIMULATION: ProcedureSimulation = {
  variants: [
    {
      name: 'default',
      cast: { couple: 'couple' },
      input: (_tag, { cast }) => {
        const { man, woman } = cast.couple;
        return {
          application: {
            applicant: { personalId: man.personalId },
            partyA: { personalId: man.personalId },
            partyB: { personalId: woman.personalId },
            registration: { communeCode: '00166', provinceCode: '01' },
          } satisfies MarriageApplication,
        };
      },
    },
  ],
};
