/** Simulation data of the unemployment benefit (designer/sim-inputs.ts): one adult of the seed whose contract ended. */
import type { ProcedureSimulation } from '../types';
import type { UnemploymentApplication } from './case';

export const UNEMPLOYMENT_SIMULATION: ProcedureSimulation = {
  variants: [
    {
      name: 'default',
      cast: { claimant: 'adult' },
      input: (_tag, { cast }) => ({
        application: { applicant: { personalId: cast.claimant.person.personalId }, claim: { provinceCode: '01', bankAccount: 'VCB 0123456789' } } satisfies UnemploymentApplication,
      }),
      // Claims are filed within 3 months of the contract's end, counted from today: no seed can hold that date.
      registryRows: (cast, daysAgo) => ({
        employmentRecords: [
          {
            personalId: cast.claimant.person.personalId,
            lastEmployer: 'Công ty TNHH Mô Phỏng',
            contractEndedAt: daysAgo(30),
            unemploymentInsuranceMonths: 20,
            averageMonthlySalary: 10_000_000,
          },
        ],
      }),
    },
  ],
};
