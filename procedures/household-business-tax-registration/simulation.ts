/** Simulation data of household business tax registration (designer/sim-inputs.ts): one adult of the seed registers. */
import type { ProcedureSimulation } from '../types';
import type { HouseholdBusinessApplication } from './case';

export const HOUSEHOLD_BUSINESS_TAX_SIMULATION: ProcedureSimulation = {
  variants: [
    {
      name: 'default',
      cast: { owner: 'adult' },
      input: (tag, { cast }) => ({
        application: {
          applicant: { personalId: cast.owner.person.personalId },
          business: { name: `Hộ kinh doanh Mô Phỏng ${tag}`, line: 'Bán lẻ tạp hóa', communeCode: '00166', provinceCode: '01', startDate: '2026-07-01' },
        } satisfies HouseholdBusinessApplication,
      }),
    },
  ],
};
