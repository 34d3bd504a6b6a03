/** Each rule once in charts: one parameterised officer guard, shared actions, placeholders derived from declarations. */
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../procedures/catalog';
import { isOfficerOfGuard, servicePlaceholders, ServiceNotProvidedError } from '../../procedures/chart-kit';
import { readChart } from '../../designer/chart-model';
import { createActor, toPromise } from 'xstate';

const definitions = [...CATALOG.values()].flatMap((versions) => [...versions.values()]);
const officer = (agency: string, extra: Record<string, unknown> = {}) => ({ type: 'X', actor: { kind: 'officer' as const, id: 'o-1', agency }, ...extra }) as never;

describe('chart kit', () => {
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
