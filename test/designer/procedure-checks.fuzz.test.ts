/**
 * Fuzzing the procedure checks (designer/checks.ts, `npm run procedures -- check`): real catalog procedures with
 * one to three random defects injected (test/designer/procedure-defects.ts) — the checks never throw and name every
 * injected defect, with its state.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../procedures/catalog';
import { loadAgencyServices, type AgencyServices } from '../../designer/agency-services';
import { checkProcedure } from '../../designer/checks';
import { readChart } from '../../designer/chart-model';
import type { ProcedureDefinition } from '../../procedures/types';
import { fuzzParams } from '../support/fuzz-config';
import { DEFECTS, type Injected } from './procedure-defects';

let agencyServices: AgencyServices;
beforeAll(async () => {
  agencyServices = await loadAgencyServices();
});

const definitions = [...CATALOG.values()].flatMap((versions) => [...versions.values()]);

/** Applies the defects in order; each later one sees the earlier ones' result. */
function inject(def: ProcedureDefinition, defects: [string, number][]): { def: ProcedureDefinition; injected: Injected[] } {
  const injected: Injected[] = [];
  for (const [name, pick] of defects) {
    const result = DEFECTS[name]!(def, pick);
    if (!result) continue;
    injected.push(result);
    def = result.def;
  }
  return { def, injected };
}

describe('procedure checks fuzzing', () => {
  it('every kind of defect applies to some catalog procedure', () => {
    for (const [name, defect] of Object.entries(DEFECTS)) expect(definitions.some((d) => defect(d, 0) !== null), name).toBe(true);
  });

  it('names every injected defect (code and state) and never throws', () => {
    const defect = fc.tuple(fc.constantFrom(...Object.keys(DEFECTS)), fc.nat());
    fc.assert(
      fc.property(fc.constantFrom(...definitions), fc.array(defect, { minLength: 1, maxLength: 3 }), (original, defects) => {
        const { def, injected } = inject(original, defects);
        const problems = checkProcedure(def, { agencyServices, catalog: CATALOG });
        const states = readChart(def.machine).byPath;
        for (const i of injected) {
          // A later defect may remove the state an earlier one was about: nothing is left to report there.
          if (i.expect.state && i.expect.code !== 'XSTATE_REFUSED' && !states.has(i.expect.state)) continue;
          // …or rename away every officer event (no officer step is then left to need a deadline).
          const officerEvents = new Set(def.events.filter((e) => e.actor === 'officer').map((e) => e.type));
          if (i.expect.code === 'OFFICER_STEP_WITHOUT_DEADLINE' && ![...states.values()].some((s) => s.transitions.some((t) => officerEvents.has(t.event)))) continue;
          if (i.expect.code === 'NONE') continue;
          if (i.expect.code === 'XSTATE_REFUSED') {
            // The designer's typo never becomes a definition: XState's error names the missing state.
            expect(i.constructionError ?? '', i.what).toContain(`'${i.expect.state}'`);
            continue;
          }
          const found = problems.some((p) => p.severity === 'error' && p.code === i.expect.code && (i.expect.state === undefined || p.state === i.expect.state));
          expect(found, `${original.id}: ${i.what} → expected ${i.expect.code}${i.expect.state ? ` at ${i.expect.state}` : ''}; got ${problems.map((p) => `${p.code}@${p.state ?? ''}`).join(', ')}`).toBe(true);
        }
        for (const p of problems) expect(p.message).toMatch(new RegExp(`^${original.id} v${original.version}`));
      }),
      fuzzParams(300),
    );
  });
});

describe('procedure checks fuzz regressions', () => {
  const birthGroup = CATALOG.get('birth-group')!.get(1)!;
  const codesAt = (def: ProcedureDefinition) => checkProcedure(def, { agencyServices, catalog: CATALOG }).map((p) => `${p.code}@${p.state ?? ''}`);

  it('seed 192026: a guard the setup does not implement was not reported (XState only throws when a case gets there)', () => {
    const injected = DEFECTS.unknownGuard!(birthGroup, 0)!;
    expect(codesAt(injected.def)).toContain(`UNKNOWN_GUARD@${injected.expect.state}`);
  });

  it('seed 192026: a cycle of states with no exit was not reported (each state has a transition out)', () => {
    const jrc = CATALOG.get('judicial-record-certificate')!.get(1)!;
    const injected = DEFECTS.cycleWithNoExit!(jrc, 0)!;
    const codes = codesAt(injected.def);
    expect(codes).toContain('NO_PATH_TO_FINAL@fuzzLoopA');
    expect(codes).toContain('NO_PATH_TO_FINAL@fuzzLoopB');
    expect(codes.filter((c) => c.startsWith('NO_WAY_OUT'))).toEqual([]);
  });
});
