/** The province's public employment service centre (`labour`): unemployment benefit. */
import { defineAgency } from './agency-module';
import { postgresAdapters } from './engine-adapters';

export const labour = defineAgency({
  id: 'labour',
  names: { vi: 'Trung tâm dịch vụ việc làm', en: 'Employment service centre' },
  registries: { required: { employment: postgresAdapters.employment, population: postgresAdapters.population } },
  nonRetryable: ['NOT_ENTITLED'],
  activities: async () => (await import('../activities/agencies/labour')).createLabourActivities,
});
