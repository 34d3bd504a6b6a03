/**
 * Commune civil status (agency `justice`), death registration: checks the declaration against the population
 * database (once-only: the deceased's data is read, never asked for), records the death in the commune's death
 * register and marks the person deceased in the population database.
 */
import { flattenFields, resolutionErrors, resolveFields, type RegistryValue } from '../../domain/once-only';
import { daysBetween } from './dates';
import { localDateOf } from '../../domain/working-days';
import {
  DEATH_REGISTRATION_PERIOD_DAYS,
  type CheckDeathDossierInput,
  type DeathCertificate,
  type DeathDossierCheck,
  type RegisterDeathInput,
} from '../../procedures/death-case';
import { getProcedure } from '../../procedures/catalog';
import type { ServiceRequest } from '../../procedures/types';
import type { CivilStatusRegistry, PopulationRegistry } from '../registries/types';
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

const DECEASED_FIELDS = ['fullName', 'dateOfBirth', 'sex', 'nationality', 'ethnicity', 'deceased'] as const;

/** Once-only check of a declaration against the procedure's field declarations: what was reused vs collected. */
export function onceOnlyCheck(
  request: ServiceRequest,
  application: Record<string, unknown>,
  registryValues: Record<string, RegistryValue>,
  keyFields: readonly string[],
) {
  const declarations = getProcedure(request.access.procedureId, request.access.procedureVersion).data.filter(
    (d) => d.source.kind !== 'registry' || keyFields.includes(d.source.keyField),
  );
  const resolution = resolveFields({ declarations, registryValues, stepOutputs: {}, submitted: flattenFields(application) });
  const [problem] = resolutionErrors(resolution);
  if (problem) throw problem;
  return {
    resolution,
    reusedFields: resolution.resolved.filter((r) => r.source !== 'citizen').map((r) => r.field),
    collectedFields: resolution.resolved.filter((r) => r.source === 'citizen').map((r) => r.field),
  };
}

export function values(prefix: string, record: Record<string, unknown> | null, fields: readonly string[]): Record<string, RegistryValue> {
  if (!record) return {};
  return Object.fromEntries(fields.map((f) => [`${prefix}.${f}`, { value: record[f], registry: 'population' as const }]));
}

export function createJusticeDeathActivities(deps: AgencyDeps<{ population: PopulationRegistry; civilStatus: CivilStatusRegistry }>) {
  const { population, civilStatus } = audited(deps);
  return {
    async checkDeathDossier(request: ServiceRequest<CheckDeathDossierInput>): Promise<DeathDossierCheck> {
      return run(async () => {
        const app = request.input.application;
        const deceasedId = requireString(app?.deceased?.personalId, 'deceased.personalId');
        const applicantId = requireString(app.applicant?.personalId, 'applicant.personalId');
        if (deceasedId === applicantId) throw new InvalidDeathDeclarationError('the declarant cannot be the deceased');
        const dateOfDeath = requireString(app.death?.dateOfDeath, 'death.dateOfDeath');
        const ctx = accessContext('justice', request, { fields: DECEASED_FIELDS });
        const deceased = await population.getPerson(ctx, deceasedId);
        if (!deceased) throw new DeceasedNotFoundError(deceasedId);
        if (deceased.deceased) throw new AlreadyDeceasedError(deceasedId);
        if (await civilStatus.findDeathOf(accessContext('justice', request, { fields: ['certificateNumber'] }), deceasedId)) {
          throw new AlreadyDeceasedError(deceasedId);
        }
        const applicant = await population.getPerson(accessContext('justice', request, { fields: ['fullName'] }), applicantId);
        if (!applicant) throw new DeceasedNotFoundError(applicantId);
        const today = localDateOf(deps.clock());
        if (dateOfDeath > today || dateOfDeath < deceased.dateOfBirth) {
          throw new InvalidDeathDeclarationError(`date of death ${dateOfDeath} is not possible`);
        }
        const { reusedFields, collectedFields, resolution } = onceOnlyCheck(
          request,
          app as unknown as Record<string, unknown>,
          {
            ...values('deceased', deceased as unknown as Record<string, unknown>, ['fullName', 'dateOfBirth', 'sex', 'nationality', 'ethnicity']),
            ...values('applicant', applicant as unknown as Record<string, unknown>, ['fullName']),
          },
          ['deceased.personalId', 'applicant.personalId'],
        );
        const late = daysBetween(dateOfDeath, today) > DEATH_REGISTRATION_PERIOD_DAYS;
        return {
          deceasedId,
          deceasedName: deceased.fullName,
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
