/**
 * Who may send an event is declared once, in the event declaration (actor, agency, required fields, `actorIdFrom`),
 * and enforced by the runner's event acceptance (workflows/event-validation.ts) for every chart. Version 1 charts
 * restated it as guards and are frozen for the cases running on them; the later versions' charts do not.
 * Along every generated path of every catalog version, each event is accepted from its declared sender and refused
 * from an officer of another agency, without its required fields, or from another person than the one it names.
 */
import { describe, expect, it } from 'vitest';
import { getNextSnapshot, initialTransition, type AnyMachineSnapshot } from 'xstate';
import { CATALOG, getProcedure } from '../../procedures/catalog';
import type { ProcedureDefinition, ProcedureEvent } from '../../procedures/types';
import { readChart } from '../../designer/chart-model';
import { generatePaths } from '../../designer/simulate-paths';
import { simulationInput } from '../../designer/sim-inputs';
import { eventRefusalReason } from '../../workflows/event-validation';

const definitions = [...CATALOG.values()].flatMap((versions) => [...versions.values()]);
/** The versions whose charts restate no sender rule (all but the frozen v1 charts and the birth group's v2 draft, which shares v1's chart). */
const byRunner = definitions.filter((d) => d.version > 1 && !(d.id === 'birth-group' && d.version === 2));
const SENDER_GUARDS = /^is[A-Z][a-z]+Officer|^isApplicant$|^isHouseholdHead$/;

const refusal = (def: ProcedureDefinition, snap: AnyMachineSnapshot, event: ProcedureEvent) => eventRefusalReason(def, snap, { event } as never);

describe('who may send an event: declared once, enforced by the runner', () => {
  it('a new version of every procedure with declared events has a chart that restates no sender rule', () => {
    expect(byRunner.map((d) => `${d.id} v${d.version}`).sort()).toEqual([
      'birth-group v3',
      'birth-registration v2',
      'death-group v2',
      'household-business-tax-registration v2',
      'judicial-record-certificate v2',
      'marriage-registration v2',
      'permanent-residence v2',
      'unemployment-benefit v2',
    ]);
    for (const def of byRunner) {
      const guards = readChart(def.machine).states.flatMap((s) => s.transitions.map((t) => t.guard).filter((g): g is string => !!g));
      expect({ id: def.id, senderGuards: guards.filter((g) => SENDER_GUARDS.test(g)) }).toEqual({ id: def.id, senderGuards: [] });
    }
    // The frozen v1 charts still do (their fingerprints are locked).
    const v1 = definitions.find((d) => d.id === 'judicial-record-certificate' && d.version === 1)!;
    expect(readChart(v1.machine).states.flatMap((s) => s.transitions.map((t) => t.guard))).toContain('isPoliceOfficerWithReason');
  });

  it('new cases start on those versions (the newest active ones); v1 stays for the cases running on it', () => {
    for (const id of CATALOG.keys()) {
      const current = getProcedure(id);
      const guards = readChart(current.machine).states.flatMap((s) => s.transitions.map((t) => t.guard).filter((g): g is string => !!g));
      expect({ id, senderGuards: guards.filter((g) => SENDER_GUARDS.test(g)) }).toEqual({ id, senderGuards: [] });
      expect(current.version === 1 || byRunner.includes(current), `${id} v${current.version}`).toBe(true);
      expect(getProcedure(id, 1).version).toBe(1);
    }
  });

  it.each(definitions.map((d) => [`${d.id} v${d.version}`, d] as const))('%s: each event on each path is taken from its declared sender only', (_name, def) => {
    const runnerOnly = byRunner.includes(def);
    let checked = 0;
    for (const path of generatePaths(def)) {
      let [snap] = initialTransition(def.machine, { ...simulationInput(def, 'pure', {}, path.variant), caseId: 'sim-pure' });
      for (const step of path.steps) {
        if (step.kind === 'event') {
          const decl = def.events.find((e) => e.type === step.name)!;
          const event = step.event as unknown as ProcedureEvent;
          expect(refusal(def, snap, event)).toBeNull();
          if (decl.actor === 'officer') {
            const other = decl.agency === 'police' ? 'justice' : 'police';
            expect(refusal(def, snap, { ...event, actor: { ...event.actor, agency: other } })).toBe(`"${decl.type}" is sent by an officer of ${decl.agency}`);
            expect(refusal(def, snap, { ...event, actor: { kind: 'citizen', id: '001190012345' } })).toBe(`"${decl.type}" is sent by a officer, not a citizen`);
          }
          for (const f of decl.requiredFields ?? []) expect(refusal(def, snap, { ...event, [f]: undefined })).toBe(`"${decl.type}" needs "${f}"`);
          if (decl.actorIdFrom) {
            const stranger = refusal(def, snap, { ...event, actor: { kind: 'citizen', id: '001099999999' } });
            if (runnerOnly) expect(stranger).toBe(`"${decl.type}" is sent only by the person at ${decl.actorIdFrom} of the case, not citizen:001099999999`);
            else expect(stranger).toMatch(/is not accepted in state/);
          }
          checked++;
        }
        snap = getNextSnapshot(def.machine, snap, step.event as never);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(def.events.length);
  });
});
