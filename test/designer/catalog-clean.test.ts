import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCatalog } from '../../designer/commands';
import { CATALOG } from '../../procedures/catalog';

// The shipped catalog itself must pass the designer's checks, and every version must match procedures.lock.json:
// a chart changed without a version bump fails here (and in CI's `npm run procedures -- check`).
describe('the shipped catalog', () => {
  it('has no check errors and matches the lock file', async () => {
    const lockFile = fileURLToPath(new URL('../../procedures.lock.json', import.meta.url));
    const problems = await checkCatalog(CATALOG, lockFile);
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.code}: ${p.message}`)).toEqual([]);
    expect(CATALOG.size).toBeGreaterThanOrEqual(9); // procedure ids (birth-group also has a draft v2)
  });
});
