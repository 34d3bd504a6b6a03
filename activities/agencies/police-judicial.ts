/**
 * Public Security (agency `police`), judicial record certificate: identity from the population database, convictions
 * from the judicial records database (never declared by the applicant); issues the certificate of the asked type.
 */
import type {
  CheckJudicialRecordInput,
  IssueJudicialRecordInput,
  JudicialRecordCheck,
} from '../../procedures/judicial-record-certificate/procedure';
import type { ServiceRequest } from '../../procedures/types';
import { PersonNotFoundError } from '../registries/errors';
import type { JudicialRecordCertificate, JudicialRecordsRegistry, PopulationRegistry } from '../../domain/registries';
import { accessContext, audited, InvalidServiceInputError, requireRegistry, requireString, run, type AgencyDeps } from './common';
import { checkStepData } from '../once-only/step-check';

export function createPoliceJudicialActivities(
  deps: AgencyDeps<{ population?: PopulationRegistry; judicialRecords?: JudicialRecordsRegistry }>,
) {
  const registries = audited(deps);
  const population = () => requireRegistry(registries.population, 'police', 'population');
  const judicialRecords = () => requireRegistry(registries.judicialRecords, 'police', 'judicialRecords');
  return {
    async checkJudicialRecordRequest(request: ServiceRequest<CheckJudicialRecordInput>): Promise<JudicialRecordCheck> {
      return run(async () => {
        const app = request.input.application;
        const id = requireString(app?.applicant?.personalId, 'applicant.personalId');
        if (app.certificateType !== '1' && app.certificateType !== '2') throw new InvalidServiceInputError('certificateType must be "1" or "2"');
        requireString(app.purposeOfRequest, 'purposeOfRequest');
        const check = await checkStepData(request, accessContext('police', request), { population: population() }, ['applicant.personalId']);
        const person = check.record('applicant.personalId');
        if (!person) throw new PersonNotFoundError(id);
        const all = await judicialRecords().getConvictionsOf(accessContext('police', request), id);
        const shown = app.certificateType === '1' ? all.filter((c) => !c.expunged) : all;
        const { reusedFields, collectedFields } = check.assert();
        return {
          personalId: id,
          fullName: person.fullName as string,
          convictions: shown,
          hasConvictions: shown.length > 0,
          reusedFields: [...reusedFields, 'convictions'],
          collectedFields,
        };
      });
    },

    async issueJudicialRecordCertificate(request: ServiceRequest<IssueJudicialRecordInput>): Promise<JudicialRecordCertificate> {
      return run(async () => {
        const { application: app, check } = request.input;
        return judicialRecords().issueCertificate(accessContext('police', request), {
          personalId: requireString(app?.applicant?.personalId, 'applicant.personalId'),
          certificateType: app.certificateType,
          convictions: check?.convictions ?? [],
          issuedAt: deps.clock().toISOString(),
        });
      });
    },
  };
}
