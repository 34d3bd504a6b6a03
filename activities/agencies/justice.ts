/**
 * Commune People's Committee (civil status, agency `justice`): checks the birth dossier against the population
 * database (once-only: the parents' data is read, never asked for), issues the child's personal ID and records
 * the birth in the commune's register book.
 */
import { personalIdProvincePrefix } from '../../domain/identifiers';
import { flattenFields, resolutionErrors, resolveFields, type RegistryValue } from '../../domain/once-only';
import type {
  BirthCertificate,
  BirthDossierCheck,
  CheckBirthDossierInput,
  IssuedPersonalId,
  IssuePersonalIdInput,
  RegisterBirthInput,
} from '../../procedures/birth-group/case';
import { getProcedure } from '../../procedures/catalog';
import type { ServiceRequest } from '../../procedures/types';
import type { CivilStatusRegistry, PersonRecord, PopulationRegistry } from '../registries/types';
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

const PARENT_FIELDS = ['fullName', 'dateOfBirth', 'ethnicity', 'nationality', 'homeTown'] as const;
const PARENT_KEYS = ['mother.personalId', 'father.personalId'];

function registryValuesOf(prefix: string, person: PersonRecord | null): Record<string, RegistryValue> {
  if (!person) return {};
  return Object.fromEntries(
    PARENT_FIELDS.map((f) => [`${prefix}.${f}`, { value: person[f], registry: 'population' as const }]),
  );
}

export function createJusticeActivities(deps: JusticeDeps) {
  const { population, civilStatus } = audited(deps);

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

        const ctx = accessContext('justice', request, { fields: PARENT_FIELDS });
        const mother = await population.getPerson(ctx, motherId);
        if (!mother) throw new MotherNotFoundError(motherId);
        const father = fatherId ? await population.getPerson(ctx, fatherId) : null;
        if (fatherId && !father) throw new FatherNotFoundError(fatherId);

        // Once-only: the application may hold only what the citizen alone can give.
        // Fields other agencies resolve later (household, card) are not this check's business.
        const declarations = getProcedure(request.access.procedureId, request.access.procedureVersion).data.filter(
          (d) =>
            d.source.kind !== 'registry' ||
            (d.source.registry === 'population' && PARENT_KEYS.includes(d.source.keyField)),
        );
        const submitted = flattenFields(app as unknown as Record<string, unknown>);
        const resolution = resolveFields({
          declarations,
          registryValues: { ...registryValuesOf('mother', mother), ...registryValuesOf('father', father) },
          stepOutputs: {},
          submitted,
        });
        const [problem] = resolutionErrors(resolution);
        if (problem) throw problem;

        const homeTown = father?.homeTown ?? mother.homeTown;
        const nationality = mother.nationality === 'VN' || father?.nationality === 'VN' ? 'VN' : mother.nationality;
        return {
          complete: resolution.missing.length === 0,
          missing: resolution.missing.map((d) => d.name),
          verificationNeeded: resolution.mismatches.length > 0 || mother.deceased,
          homeTown,
          nationality,
          motherId,
          fatherId,
          reusedFields: resolution.resolved.filter((r) => r.source !== 'citizen').map((r) => r.field),
          collectedFields: resolution.resolved.filter((r) => r.source === 'citizen').map((r) => r.field),
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
