/**
 * Commune civil status (agency `justice`), death registration: checks the declaration against the population
 * database (once-only: the deceased's data is read, never asked for), records the death in the commune's death
 * register and marks the person deceased in the population database.
 */
import { daysBetween } from './dates';
import { localDateOf } from '../../domain/working-days';
import {
  DEATH_REGISTRATION_PERIOD_DAYS,
  type CheckDeathDossierInput,
  type DeathCertificate,
  type DeathDossierCheck,
  type RegisterDeathInput,
} from '../../procedures/death-group/case';
import type { ServiceRequest } from '../../procedures/types';
import type { CivilStatusRegistry, PersonRecord, PopulationRegistry } from '../../domain/registries';
import { checkStepData } from '../once-only/step-check';
import { accessContext, audited, InvalidServiceInputError, requireString, run, type AgencyDeps } from './common';
import { PersonNotFoundError } from '../registries/errors';

export class DeceasedNotFoundError extends PersonNotFoundError {
  constructor(personalId: string) {
    super(personalId);
    this.message = `The deceased ${personalId} is not in the population database`;
  }
}

export class AlreadyDeceasedError extends Error {
  readonly code = 'ALREADY_DECEASED';
  constructor(readonly personalId: string) {
    super(`${personalId} is already recorded as deceased: the death is registered`);
  }
}

export class InvalidDeathDeclarationError extends InvalidServiceInputError {}

export function createJusticeDeathActivities(deps: AgencyDeps<{ population: PopulationRegistry; civilStatus: CivilStatusRegistry }>) {
  const registries = audited(deps);
  const { population, civilStatus } = registries;
  return {
    async checkDeathDossier(request: ServiceRequest<CheckDeathDossierInput>): Promise<DeathDossierCheck> {
      return run(async () => {
        const app = request.input.application;
        const deceasedId = requireString(app?.deceased?.personalId, 'deceased.personalId');
        const applicantId = requireString(app.applicant?.personalId, 'applicant.personalId');
        if (deceasedId === applicantId) throw new InvalidDeathDeclarationError('the declarant cannot be the deceased');
        const dateOfDeath = requireString(app.death?.dateOfDeath, 'death.dateOfDeath');
        const check = await checkStepData(request, accessContext('justice', request), registries, ['deceased.personalId', 'applicant.personalId'], {
          needs: { 'deceased.personalId': ['deceased'] },
        });
        const deceased = check.record('deceased.personalId') as Partial<PersonRecord> | null | undefined;
        if (!deceased) throw new DeceasedNotFoundError(deceasedId);
        if (deceased.deceased) throw new AlreadyDeceasedError(deceasedId);
        if (await civilStatus.findDeathOf(accessContext('justice', request, { fields: ['certificateNumber'] }), deceasedId)) {
          throw new AlreadyDeceasedError(deceasedId);
        }
        if (!check.record('applicant.personalId')) throw new DeceasedNotFoundError(applicantId);
        const today = localDateOf(deps.clock());
        if (dateOfDeath > today || dateOfDeath < deceased.dateOfBirth!) {
          throw new InvalidDeathDeclarationError(`date of death ${dateOfDeath} is not possible`);
        }
        const { reusedFields, collectedFields } = check.assert();
        const { resolution } = check;
        const late = daysBetween(dateOfDeath, today) > DEATH_REGISTRATION_PERIOD_DAYS;
        return {
          deceasedId,
          deceasedName: deceased.fullName!,
          late,
          verificationNeeded: late || resolution.mismatches.length > 0,
          reusedFields,
          collectedFields,
        };
      });
    },

    async registerDeath(request: ServiceRequest<RegisterDeathInput>): Promise<DeathCertificate> {
      return run(async () => {
        const app = request.input.application;
        const ctx = accessContext('justice', request);
        const deceasedId = requireString(app.deceased?.personalId, 'deceased.personalId');
        const registration = await civilStatus.registerDeath(ctx, {
          deceasedId,
          communeCode: requireString(app.registration?.communeCode, 'registration.communeCode'),
          registeredAt: deps.clock().toISOString(),
          dateOfDeath: requireString(app.death?.dateOfDeath, 'death.dateOfDeath'),
          placeOfDeath: requireString(app.death.placeOfDeath, 'death.placeOfDeath'),
          cause: app.death.cause,
          deathNoticeNo: requireString(app.death.deathNoticeNo, 'death.deathNoticeNo'),
          declarantId: requireString(app.applicant?.personalId, 'applicant.personalId'),
        });
        const person = await population.markDeceased(ctx, deceasedId);
        return { ...registration, deceasedName: person.fullName };
      });
    },
  };
}
