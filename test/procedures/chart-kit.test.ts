/** Each rule once in charts: one parameterised officer guard, shared actions, placeholders derived from declarations. */
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../procedures/catalog';
import { isOfficerOfGuard, runnerCheckedVersion, servicePlaceholders, ServiceNotProvidedError, versionOf, withChart } from '../../procedures/chart-kit';
import { birthGroupV1 } from '../../procedures/birth-group/procedure';
import { readChart } from '../../designer/chart-model';
import { createActor, toPromise } from 'xstate';

const definitions = [...CATALOG.values()].flatMap((versions) => [...versions.values()]);
const officer = (agency: string, extra: Record<string, unknown> = {}) => ({ type: 'X', actor: { kind: 'officer' as const, id: 'o-1', agency }, ...extra }) as never;

describe('chart kit', () => {
  it('a definition builds its chart on first use, once; a version that keeps the chart shares it', () => {
    // The sandbox evaluates the catalog for every workflow: only the chart a case runs may be built there.
    const { machine: _m, ...declarations } = Object.getOwnPropertyDescriptors(birthGroupV1);
    const base = Object.defineProperties({}, declarations) as Parameters<typeof withChart>[0];
    let built = 0;
    const build = () => {
      built += 1;
      return birthGroupV1.machine;
    };
    const v1 = withChart(base, build);
    const draft = versionOf(v1, { version: 2, status: 'draft', title: 'draft' });
    const v3 = runnerCheckedVersion(v1, 3, build);
    expect(built).toBe(0);
    expect({ v1: v1.version, draft: [draft.version, draft.status, draft.title], v3: [v3.version, v3.status], id: v3.id }).toEqual({
      v1: 1,
      draft: [2, 'draft', 'draft'],
      v3: [3, 'active'],
      id: 'birth-group',
    });
    expect(built).toBe(0);
    expect(draft.machine).toBe(v1.machine);
    expect(built).toBe(1);
    expect(v3.machine).toBe(birthGroupV1.machine);
    void v3.machine;
    expect(built).toBe(2);
    expect(Object.keys(v1)).toContain('machine');
  });

  it('no chart defines a per-agency officer guard: one parameterised isOfficerOf serves all', () => {
    for (const def of definitions) {
      const guards = Object.keys(def.machine.implementations.guards ?? {});
      expect(guards.filter((g) => /^is[A-Z]\w*Officer/.test(g)), `${def.id} v${def.version}`).toEqual([]);
      const officerSteps = readChart(def.machine).states.flatMap((s) => s.transitions).filter((t) => /Officer/.test(t.guard ?? ''));
      if (officerSteps.length > 0) expect(def.machine.implementations.guards.isOfficerOf, def.id).toBe(isOfficerOfGuard);
    }
  });

  it('isOfficerOf checks the agency and, when asked, a reason or a list of what is missing', () => {
    expect(isOfficerOfGuard({ event: officer('police') }, { agency: 'police' })).toBe(true);
    expect(isOfficerOfGuard({ event: officer('justice') }, { agency: 'police' })).toBe(false);
    expect(isOfficerOfGuard({ event: { type: 'X', actor: { kind: 'citizen', id: 'c' } } as never }, { agency: 'police' })).toBe(false);
    expect(isOfficerOfGuard({ event: officer('police', { reason: ' ' }) }, { agency: 'police', requires: 'reason' })).toBe(false);
    expect(isOfficerOfGuard({ event: officer('police', { reason: 'no' }) }, { agency: 'police', requires: 'reason' })).toBe(true);
    expect(isOfficerOfGuard({ event: officer('justice', { missing: [] }) }, { agency: 'justice', requires: 'missing' })).toBe(false);
    expect(isOfficerOfGuard({ event: officer('justice', { missing: ['x'] }) }, { agency: 'justice', requires: 'missing' })).toBe(true);
  });

  it('the chart model names it by behaviour, as the per-agency guard it replaced (locked fingerprints unchanged)', () => {
    expect(isOfficerOfGuard.behaviourName({ agency: 'police' })).toBe('isPoliceOfficer');
    expect(isOfficerOfGuard.behaviourName({ agency: 'vss', requires: 'reason' })).toBe('isVssOfficerWithReason');
    expect(isOfficerOfGuard.behaviourName({ agency: 'justice', requires: 'missing' })).toBe('isJusticeOfficerNamingMissing');
    const judicial = definitions.find((d) => d.id === 'judicial-record-certificate')!;
    const guards = readChart(judicial.machine).states.flatMap((s) => s.transitions).map((t) => t.guard);
    expect(guards).toEqual(expect.arrayContaining(['isPoliceOfficer', 'isPoliceOfficerWithReason']));
  });

  it('service placeholders come from the declarations and refuse to run outside the runner', async () => {
    const actors = servicePlaceholders([{ name: 'checkThing', agency: 'police', description: '', purpose: '', legalBasis: '' }]);
    expect(Object.keys(actors)).toEqual(['checkThing']);
    await expect(toPromise(createActor(actors.checkThing).start())).rejects.toBeInstanceOf(ServiceNotProvidedError);
    for (const def of definitions) {
      const provided = Object.keys(def.machine.implementations.actors ?? {});
      expect(provided.sort(), def.id).toEqual(expect.arrayContaining(def.services.map((s) => s.name).sort()));
    }
  });
});
