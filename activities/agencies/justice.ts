/**
 * Commune People's Committee (civil status, agency `justice`): checks the birth dossier against the population
 * database (once-only: the parents' data is read, never asked for), issues the child's personal ID and records
 * the birth in the commune's register book.
 */
import { personalIdProvincePrefix } from '../../domain/identifiers';
import type {
  BirthCertificate,
  BirthDossierCheck,
  CheckBirthDossierInput,
  IssuedPersonalId,
  IssuePersonalIdInput,
  RegisterBirthInput,
} from '../../procedures/birth-group/case';
import type { ServiceRequest } from '../../procedures/types';
import type { CivilStatusRegistry, PersonRecord, PopulationRegistry } from '../../domain/registries';
import { checkStepData } from '../once-only/step-check';
import { accessContext, audited, requireString, run, type AgencyDeps } from './common';
import { createJusticeDeathActivities } from './justice-death';
import { createJusticeMarriageActivities } from './justice-marriage';

export type JusticeRegistries = { population: PopulationRegistry; civilStatus: CivilStatusRegistry };
export type JusticeDeps = AgencyDeps<JusticeRegistries>;

export class MotherNotFoundError extends Error {
  readonly code = 'MOTHER_NOT_FOUND';
  constructor(readonly personalId: string) {
    super(`The mother ${personalId} is not in the population database`);
  }
}

export class FatherNotFoundError extends Error {
  readonly code = 'FATHER_NOT_FOUND';
  constructor(readonly personalId: string) {
    super(`The father ${personalId} is not in the population database`);
  }
}

export class ApplicantNotAParentError extends Error {
  readonly code = 'APPLICANT_NOT_A_PARENT';
  constructor(readonly personalId: string) {
    super(`The applicant ${personalId} is not a parent of the child (legal representative)`);
  }
}

export function createJusticeActivities(deps: JusticeDeps) {
  const registries = audited(deps);
  const { population, civilStatus } = registries;

  return {
    ...createJusticeDeathActivities(deps),
    ...createJusticeMarriageActivities(deps),
    async checkBirthDossier(request: ServiceRequest<CheckBirthDossierInput>): Promise<BirthDossierCheck> {
      return run(async () => {
        const app = request.input.application;
        const motherId = requireString(app?.mother?.personalId, 'mother.personalId');
        const fatherId = app.father?.personalId ?? null;
        const applicantId = requireString(app.applicant?.personalId, 'applicant.personalId');
        if (applicantId !== motherId && applicantId !== fatherId) throw new ApplicantNotAParentError(applicantId);

        // Once-only, from the declarations: the parents' records (carried by the case, or read once here).
        // Fields other agencies resolve later (household, card) are not this check's business.
        // `deceased`: the dead cannot apply, so a deceased mother's dossier needs verification (audited as read).
        const check = await checkStepData(request, accessContext('justice', request), registries, ['mother.personalId', 'father.personalId'], {
          needs: { 'mother.personalId': ['deceased'] },
        });
        const mother = check.record('mother.personalId') as Partial<PersonRecord> | null | undefined;
        if (!mother) throw new MotherNotFoundError(motherId);
        const father = fatherId ? (check.record('father.personalId') as Partial<PersonRecord> | null | undefined) : null;
        if (fatherId && !father) throw new FatherNotFoundError(fatherId);
        // The application may hold only what the citizen alone can give.
        const { reusedFields, collectedFields } = check.assert();
        const { resolution } = check;

        const homeTown = father?.homeTown ?? mother.homeTown;
        const nationality = mother.nationality === 'VN' || father?.nationality === 'VN' ? 'VN' : mother.nationality;
        return {
          complete: resolution.missing.length === 0,
          missing: resolution.missing.map((d) => d.name),
          // Read with the mother's record, at receipt or here.
          verificationNeeded: resolution.mismatches.length > 0 || mother.deceased === true,
          homeTown: homeTown!,
          nationality: nationality!,
          motherId,
          fatherId,
          reusedFields,
          collectedFields,
        };
      });
    },

    async issuePersonalId(request: ServiceRequest<IssuePersonalIdInput>): Promise<IssuedPersonalId> {
      return run(async () => {
        const { application: app, check } = request.input;
        const ctx = accessContext('justice', request, { operationKey: 'child' });
        const person = await population.createPerson(ctx, {
          fullName: requireString(app.child.fullName, 'child.fullName'),
          dateOfBirth: requireString(app.child.dateOfBirth, 'child.dateOfBirth'),
          sex: app.child.sex,
          ethnicity: requireString(app.child.ethnicity, 'child.ethnicity'),
          nationality: check.nationality,
          homeTown: check.homeTown,
          placeOfBirth: requireString(app.child.placeOfBirth, 'child.placeOfBirth'),
          registrationProvince: personalIdProvincePrefix(requireString(app.registration.provinceCode, 'registration.provinceCode')),
          fatherId: check.fatherId,
          motherId: check.motherId,
        });
        return { personalId: person.personalId };
      });
    },

    async registerBirth(request: ServiceRequest<RegisterBirthInput>): Promise<BirthCertificate> {
      return run(async () => {
        const { application: app, childId } = request.input;
        const ctx = accessContext('justice', request);
        const registration = await civilStatus.registerBirth(ctx, {
          childId: requireString(childId, 'childId'),
          communeCode: requireString(app.registration.communeCode, 'registration.communeCode'),
          registeredAt: deps.clock().toISOString(),
          medicalBirthNoticeNo: requireString(app.medicalBirthNoticeNo, 'medicalBirthNoticeNo'),
        });
        return { ...registration, childName: app.child.fullName, dateOfBirth: app.child.dateOfBirth };
      });
    },
  };
}

export type JusticeActivities = ReturnType<typeof createJusticeActivities>;
