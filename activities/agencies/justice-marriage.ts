/**
 * Commune civil status (agency `justice`), marriage registration: both parties are read from the population
 * database and their marital status from the marriage register (never declared); the conditions of the Law on
 * Marriage and Family are checked; the marriage is recorded in the commune's marriage register.
 */
import { localDateOf } from '../../domain/working-days';
import {
  MARRIAGE_MIN_AGE,
  type CheckMarriageDossierInput,
  type MarriageCertificate,
  type MarriageDossierCheck,
  type RegisterMarriageInput,
} from '../../procedures/marriage-registration/procedure';
import type { ServiceRequest } from '../../procedures/types';
import { AlreadyMarriedError, PersonNotFoundError } from '../registries/errors';
import type { CivilStatusRegistry, PersonRecord, PopulationRegistry } from '../../domain/registries';
import { accessContext, audited, InvalidServiceInputError, requireString, run, type AgencyDeps } from './common';
import { yearsBetween } from './dates';
import { checkStepData } from '../once-only/step-check';

export class MarriageNotAllowedError extends Error {
  readonly code = 'MARRIAGE_NOT_ALLOWED';
}

function directRelatives(a: PersonRecord, b: PersonRecord): boolean {
  const parentsOf = (p: PersonRecord) => [p.fatherId, p.motherId].filter((x): x is string => !!x);
  if (parentsOf(a).includes(b.personalId) || parentsOf(b).includes(a.personalId)) return true;
  return parentsOf(a).some((id) => parentsOf(b).includes(id)); // siblings (same father or mother)
}

export function createJusticeMarriageActivities(deps: AgencyDeps<{ population: PopulationRegistry; civilStatus: CivilStatusRegistry }>) {
  const registries = audited(deps);
  const { civilStatus } = registries;
  return {
    async checkMarriageDossier(request: ServiceRequest<CheckMarriageDossierInput>): Promise<MarriageDossierCheck> {
      return run(async () => {
        const app = request.input.application;
        const aId = requireString(app?.partyA?.personalId, 'partyA.personalId');
        const bId = requireString(app.partyB?.personalId, 'partyB.personalId');
        const applicantId = requireString(app.applicant?.personalId, 'applicant.personalId');
        if (applicantId !== aId && applicantId !== bId) throw new InvalidServiceInputError('the applicant must be one of the parties');
        if (aId === bId) throw new InvalidServiceInputError('the two parties must differ');
        // The conditions of the law need each party's parents (relatives) and whether they are alive.
        const relatives = ['fatherId', 'motherId', 'deceased'];
        const check = await checkStepData(request, accessContext('justice', request), registries, ['partyA.personalId', 'partyB.personalId'], {
          needs: { 'partyA.personalId': relatives, 'partyB.personalId': relatives },
        });
        const party = (keyField: string, id: string): PersonRecord => {
          const record = check.record(keyField);
          if (!record) throw new PersonNotFoundError(id);
          return { ...record, personalId: id } as PersonRecord;
        };
        const a = party('partyA.personalId', aId);
        const b = party('partyB.personalId', bId);
        const today = localDateOf(deps.clock());
        for (const p of [a, b]) {
          if (p.deceased) throw new MarriageNotAllowedError(`${p.personalId} is recorded as deceased`);
          const age = yearsBetween(p.dateOfBirth, today);
          if (age < MARRIAGE_MIN_AGE[p.sex]) {
            throw new MarriageNotAllowedError(`${p.fullName} is ${age}: under the marriage age for ${p.sex === 'male' ? 'men (20)' : 'women (18)'}`);
          }
        }
        if (a.sex === b.sex) throw new MarriageNotAllowedError('the State does not recognise marriage between people of the same sex (Art. 8(2))');
        if (directRelatives(a, b)) throw new MarriageNotAllowedError('marriage between direct-line relatives or siblings is prohibited (Art. 5(2)(d))');
        const statusCtx = accessContext('justice', request, { fields: ['certificateNumber', 'partyAId', 'partyBId'] });
        for (const p of [a, b]) {
          if (await civilStatus.findCurrentMarriageOf(statusCtx, p.personalId)) throw new AlreadyMarriedError(p.personalId);
        }
        const { reusedFields, collectedFields } = check.assert();
        const { resolution } = check;
        return {
          partyA: { personalId: aId, fullName: a.fullName, age: yearsBetween(a.dateOfBirth, today) },
          partyB: { personalId: bId, fullName: b.fullName, age: yearsBetween(b.dateOfBirth, today) },
          verificationNeeded: resolution.mismatches.length > 0 || a.nationality !== 'VN' || b.nationality !== 'VN',
          reusedFields: [...reusedFields, 'maritalStatus'],
          collectedFields,
        };
      });
    },

    async registerMarriage(request: ServiceRequest<RegisterMarriageInput>): Promise<MarriageCertificate> {
      return run(async () => {
        const app = request.input.application;
        return civilStatus.registerMarriage(accessContext('justice', request), {
          partyAId: requireString(app?.partyA?.personalId, 'partyA.personalId'),
          partyBId: requireString(app.partyB?.personalId, 'partyB.personalId'),
          communeCode: requireString(app.registration?.communeCode, 'registration.communeCode'),
          registeredAt: deps.clock().toISOString(),
        });
      });
    },
  };
}
