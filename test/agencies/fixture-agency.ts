/**
 * A fixture agency defined only under test/: the public library (`library`), which issues library cards to
 * residents it reads from the population database. It is one module, like the agencies of agencies/index.ts, but
 * not in that list: the test hands it to the worker itself.
 */
import { defineAgency } from '../../agencies/agency-module';
import { postgresAdapters } from '../../agencies/engine-adapters';

export const library = defineAgency({
  id: 'library',
  names: { vi: 'Thư viện tỉnh', en: 'Provincial library' },
  registries: { required: { population: postgresAdapters.population } },
  // A reader the population database does not hold stays unknown however often the library asks.
  nonRetryable: ['READER_NOT_FOUND'],
  activities: async () => (await import('./fixture-activities')).createLibraryActivities,
});
