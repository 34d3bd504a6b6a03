/** Commune People's Committee, civil status (`justice`): births, deaths and marriages in the register books. */
import { defineAgency } from './agency-module';
import { postgresAdapters } from './engine-adapters';

export const justice = defineAgency({
  id: 'justice',
  names: { vi: 'UBND cấp xã (hộ tịch)', en: "Commune People's Committee (civil status)" },
  registries: { required: { population: postgresAdapters.population, civilStatus: postgresAdapters.civilStatus } },
  nonRetryable: ['MOTHER_NOT_FOUND', 'FATHER_NOT_FOUND', 'APPLICANT_NOT_A_PARENT', 'ALREADY_DECEASED', 'MARRIAGE_NOT_ALLOWED'],
  activities: async () => (await import('../activities/agencies/justice')).createJusticeActivities,
});
