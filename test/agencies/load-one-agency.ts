/** Child process of lazy-loading.test.ts: builds one agency's activities as its worker does, then exits. */
import { agencyModule } from '../../agencies/index';
import type { AuditSink } from '../../domain/registries';
import { loadAgencyActivities } from '../../worker/agency-modules';

const agency = agencyModule(process.argv[2]);
// The agency's own adapters (inert: the factories only build closures), so no engine adapter is needed.
const names = [...Object.keys(agency.registries.required), ...Object.keys(agency.registries.optional)];
const audit: AuditSink = { record: async () => {} };
const activities = await loadAgencyActivities(agency, { registries: Object.fromEntries(names.map((n) => [n, {}])), audit });
console.log(Object.keys(activities).join(','));
