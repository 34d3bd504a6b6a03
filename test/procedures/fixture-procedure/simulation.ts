/** Simulation data of the fixture procedure: one adult of the seed volunteers; sample outputs for the pure walk. */
import type { ProcedureSimulation } from '../../../procedures/types';
import type { VolunteerClearanceApplication } from './case';

export const VOLUNTEER_CLEARANCE_SIMULATION: ProcedureSimulation = {
  variants: [
    {
      name: 'default',
      cast: { volunteer: 'adult' },
      input: (tag, { cast }) => ({
        application: {
          applicant: { personalId: cast.volunteer.person.personalId },
          certificateType: '1',
          purposeOfRequest: 'volunteer post',
          post: `Thư viện thiếu nhi ${tag}`,
        } satisfies VolunteerClearanceApplication,
      }),
    },
  ],
  sampleOutputs: {
    checkJudicialRecordRequest: { personalId: 'sim', fullName: 'Mô Phỏng', convictions: [], hasConvictions: false, reusedFields: ['applicant.fullName'], collectedFields: ['post'] },
    issueJudicialRecordCertificate: { certificateNumber: 'LLTP-SIM-1' },
  },
};
