/** A worker for one agency loads only that agency's code: the agency list names the others' code lazily. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function modulesLoadedBy(agency: string): { activities: string; loaded: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'agency-loads-')), 'loads.txt');
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--import', './test/agencies/record-loads.mjs', 'test/agencies/load-one-agency.ts', agency], {
    cwd: ROOT,
    env: { ...process.env, LOADS_FILE: file },
    encoding: 'utf8',
  });
  const loaded = readFileSync(file, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file:') && !u.includes('/node_modules/'))
    .map((u) => fileURLToPath(u).slice(ROOT.length));
  return { activities: out.trim(), loaded: [...new Set(loaded)] };
}

describe('per-agency loading', () => {
  it('the tax worker loads the tax activities and none of another agency', () => {
    const { activities, loaded } = modulesLoadedBy('tax');
    expect(activities).toBe('checkTaxRegistration,registerHouseholdBusiness');
    expect(loaded).toContain('activities/agencies/tax.ts');
    for (const other of ['justice', 'police', 'vss', 'labour', 'police-judicial', 'vss-death']) expect(loaded).not.toContain(`activities/agencies/${other}.ts`);
    // Nor any registry adapter: this worker was given its own.
    expect(loaded.filter((f) => f.startsWith('activities/registries/postgres/'))).toEqual([]);
  });

  it('the police worker loads the police activities and not the justice or vss ones', () => {
    const { loaded } = modulesLoadedBy('police');
    expect(loaded).toContain('activities/agencies/police.ts');
    for (const other of ['justice', 'vss', 'tax', 'labour']) expect(loaded).not.toContain(`activities/agencies/${other}.ts`);
  });
});
