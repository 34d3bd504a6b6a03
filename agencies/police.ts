/** Public Security (`police`): permanent residence, its deletion after a death, judicial record certificates. */
import { defineAgency } from './agency-module';
import { postgresAdapters } from './engine-adapters';

export const police = defineAgency({
  id: 'police',
  names: { vi: 'Công an (cư trú)', en: 'Public Security (residence)' },
  registries: {
    required: { residence: postgresAdapters.residence },
    // Population and judicial records serve the judicial record certificate only.
    optional: { population: postgresAdapters.population, judicialRecords: postgresAdapters.judicialRecords },
  },
  nonRetryable: ['HOUSEHOLD_NOT_FOUND'],
  activities: async () => (await import('../activities/agencies/police')).createPoliceActivities,
});
