/**
 * The test tree mirrors the source tree: each folder under test/ is named after the source folder it tests, so a
 * reader finds a module's tests by its path. `support/` holds the shared harnesses, `fixtures/` recorded data.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOT_SOURCE = new Set(['support', 'fixtures']);
const dirs = (p: string) => readdirSync(p).filter((n) => !n.startsWith('.') && n !== 'node_modules' && statSync(join(p, n)).isDirectory());

describe('test layout', () => {
  it('names every test folder after a source folder', () => {
    const source = new Set(dirs(ROOT));
    const strays = dirs(join(ROOT, 'test')).filter((d) => !NOT_SOURCE.has(d) && !source.has(d));
    expect(strays).toEqual([]);
  });
  it('keeps test files in those folders, none at the top but this one', () => {
    const top = readdirSync(join(ROOT, 'test')).filter((n) => n.endsWith('.ts') && n !== 'layout.test.ts');
    expect(top).toEqual([]);
  });
});
