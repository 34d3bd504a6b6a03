/** Vietnam Social Security (`vss`): health-insurance cards, the death group's funeral allowance and survivor benefit. */
import { defineAgency } from './agency-module';
import { postgresAdapters } from './engine-adapters';

export const vss = defineAgency({
  id: 'vss',
  names: { vi: 'Bảo hiểm xã hội Việt Nam', en: 'Vietnam Social Security' },
  registries: {
    required: { socialInsurance: postgresAdapters.socialInsurance },
    // Read by the death group's benefits only (the deceased's relatives and marriages).
    optional: { population: postgresAdapters.population, civilStatus: postgresAdapters.civilStatus },
  },
  nonRetryable: ['NOT_ENTITLED'],
  activities: async () => (await import('../activities/agencies/vss')).createVssActivities,
});
