/** The tax department (`tax`, local tax office): first tax registration of a household business. */
import { defineAgency } from './agency-module';
import { postgresAdapters } from './engine-adapters';

export const tax = defineAgency({
  id: 'tax',
  names: { vi: 'Cơ quan thuế', en: 'Tax department' },
  registries: { required: { tax: postgresAdapters.tax, population: postgresAdapters.population } },
  activities: async () => (await import('../activities/agencies/tax')).createTaxActivities,
});
