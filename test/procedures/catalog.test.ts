import { describe, expect, it } from 'vitest';
import { getSimplePaths } from 'xstate/graph';
import type { AnyMachineSnapshot } from 'xstate';
import { CATALOG, createCatalog, getProcedure, listProcedures, UnknownProcedureError } from '../../procedures/catalog';
import { birthGroupV1 } from '../../procedures/birth-group/procedure';
import { allEvents, input, CHILD } from './birth-group/fixtures';

const serializeState = (s: AnyMachineSnapshot) => JSON.stringify(s.value);

describe('procedure catalog', () => {
  it('returns the newest version by default and a fixed version on request', () => {
    const v2 = { ...birthGroupV1, version: 2, title: 'draft amendment' };
    const catalog = createCatalog([birthGroupV1, v2]);
    expect(getProcedure('birth-group', undefined, catalog).version).toBe(2);
    expect(getProcedure('birth-group', 1, catalog)).toBe(birthGroupV1);
    expect(() => getProcedure('birth-group', 3, catalog)).toThrow(UnknownProcedureError);
    expect(() => getProcedure('nope')).toThrow(UnknownProcedureError);
  });

  it('new cases get the newest active version; drafts run only when asked for', () => {
    // v3 (v1's deadlines, sender rules checked by the runner) is current; v2, the draft amendment, is not in force.
    const current = getProcedure('birth-group');
    expect(current.version).toBe(3);
    expect(current.status).toBe('active');
    expect(current.deadlines).toEqual(birthGroupV1.deadlines);
    const draft = getProcedure('birth-group', 2);
    expect(draft.status).toBe('draft');
    expect(draft.deadlines.find((d) => d.step === 'total')).toMatchObject({ workingDays: 9, workingDaysWithVerification: 12 });
    expect(listProcedures().find((p) => p.id === 'birth-group')).toMatchObject({ versions: [1, 2, 3], current: 3, drafts: [2] });
  });

  it('lists the four procedures of the first slice', () => {
    // Later procedures (death group, marriage, …) are tested in their folders, test/procedures/<procedure-id>/.
    expect(listProcedures().map((p) => p.id).sort()).toEqual(expect.arrayContaining([
      'birth-group',
      'birth-registration',
      'health-insurance-card',
      'permanent-residence',
    ]));
  });

  const BIRTH_FAMILY = ['birth-group', 'birth-registration', 'permanent-residence', 'health-insurance-card'];
  for (const [id, versions] of [...CATALOG].filter(([id]) => BIRTH_FAMILY.includes(id))) {
    for (const [version, def] of versions) {
      describe(`${id} v${version}`, () => {
        it('declares an outcome for every top-level final state, and every declared outcome is reachable', () => {
          const machineId = def.machine.id;
          const events = allEvents({
            supplement: `${machineId}.birth.awaitingSupplement`,
            consent: id === 'birth-group'
              ? `${machineId}.services.residence.awaitingHeadConsent`
              : `${machineId}.residence.awaitingHeadConsent`,
          });
          const paths = getSimplePaths(def.machine, {
            input: { ...input, childId: id === 'birth-group' || id === 'birth-registration' ? undefined : CHILD },
            events,
            serializeState,
          });
          const finals = new Set(paths.filter((p) => p.state.status === 'done').map((p) => String(p.state.value)));
          const declaredFinals = Object.entries(def.machine.root.states)
            .filter(([, node]) => node.type === 'final')
            .map(([key]) => key)
            .sort();
          expect(Object.keys(def.outcomes).sort()).toEqual(declaredFinals);
          expect([...finals].sort()).toEqual(declaredFinals);
        });

        it('declares every service it invokes with its agency, and every event it handles with its actor', () => {
          const declaredServices = new Set(def.services.map((s) => s.name));
          const declaredEvents = new Set(def.events.map((e) => e.type));
          const walk = (node: typeof def.machine.root): void => {
            for (const inv of node.invoke) expect(declaredServices.has(String(inv.src)), String(inv.src)).toBe(true);
            for (const type of node.ownEvents) {
              if (type.startsWith('xstate.')) continue;
              expect(declaredEvents.has(type), type).toBe(true);
            }
            Object.values(node.states).forEach(walk);
          };
          walk(def.machine.root);
          for (const s of def.services) expect(def.agencies).toContain(s.agency);
          for (const e of def.events) if (e.actor === 'officer') expect(def.agencies).toContain(e.agency);
        });

        it('collects from the citizen only the child\'s own data and keys, never data the state holds', () => {
          const citizenFields = def.data.filter((f) => f.source.kind === 'citizen').map((f) => f.name);
          for (const name of citizenFields) {
            expect(name, name).toMatch(/^(child\.|applicant\.personalId$|mother\.personalId$|father\.personalId$|medicalBirthNoticeNo$|registration\.|household\.headConsent$)/);
          }
          expect(def.data.some((f) => f.source.kind !== 'citizen')).toBe(true);
        });
      });
    }
  }
});
