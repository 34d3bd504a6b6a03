/**
 * The citizens' catalog of services in both languages: what each service produces is said in the reader's language
 * (Vietnamese from the console's words, English from the declaration itself), with the agencies and the deadline.
 */
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { createCaseService } from '../../api/case-service';
import { apiSecurity } from '../../api/security-config';
import { createAuditedPostgresRegistries } from '../../activities/registries';
import { openDevIdentityProvider } from '../../identity/dev-identity-provider';
import { getProcedure } from '../../procedures/catalog';
import { openTestDatabase, type TestDatabase } from '../support/registry-helpers';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** As the pages write text (hono/html escaping). */
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

let db: TestDatabase;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await openTestDatabase();
  const idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'services-pages-')) });
  // The catalog pages never call Temporal; the client connects lazily.
  const service = createCaseService({ client: new Client(), db: db.db, registries: createAuditedPostgresRegistries(db.db, () => new Date()) });
  app = createApp(service, { security: apiSecurity({ devIdentityProvider: idp }), console: { db: db.db, now: () => new Date() } });
});
afterAll(async () => db?.close());

describe('the services catalog', () => {
  it('says what each service of the birth group produces in Vietnamese and in English', async () => {
    const vi = await (await app.request('http://localhost/services/birth-group?lang=vi')).text();
    expect(vi).toContain('<html lang="vi"');
    expect(vi).toContain('Cấp mã số bảo hiểm xã hội 10 số và thẻ bảo hiểm y tế (đối tượng TE)');
    expect(vi).toContain('Ghi vào sổ đăng ký khai sinh của xã và cấp giấy khai sinh điện tử');
    const en = await (await app.request('http://localhost/services/birth-group?lang=en')).text();
    for (const s of getProcedure('birth-group').services) expect(en).toContain(escaped(s.description));
    expect(en).not.toContain('Cấp mã số bảo hiểm xã hội');
  });

  it('has a Vietnamese description for every service of every procedure in the catalog', async () => {
    const list = await (await app.request('http://localhost/services?lang=vi')).text();
    const ids = [...list.matchAll(/href="\/services\/([a-z0-9-]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(9);
    for (const id of ids) {
      const page = await (await app.request(`http://localhost/services/${id}?lang=vi`)).text();
      for (const s of getProcedure(id).services) expect(page, `${id}: ${s.name}`).not.toContain(escaped(s.description));
    }
  });
});
