/**
 * Adding a procedure touches one folder and one catalog line: this test adds one defined only under test/ (./procedure.ts,
 * ./simulation.ts) to a catalog of its own, and the designer checks it, locks it, draws it and walks its paths through
 * its public functions, with no edit anywhere else. The chart then runs with stand-in services, and the runner's
 * event acceptance (workflows/event-validation.ts) enforces who may send its events from the declarations alone.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, initialTransition, getNextSnapshot, toPromise, waitFor } from 'xstate';
import { CATALOG, createCatalog, getProcedure } from '../../../procedures/catalog';
import type { ProcedureEvent } from '../../../procedures/types';
import { cmdCheck, cmdDiagram, cmdLock, printPaths, type Io } from '../../../designer/commands';
import { loadAgencyServices } from '../../../designer/agency-services';
import { checkProcedure } from '../../../designer/checks';
import { renderDiagram } from '../../../designer/diagram';
import { procedureChart } from '../../../designer/applicant-data-phase';
import { generatePaths } from '../../../designer/simulate-paths';
import { hasSimulationInput } from '../../../designer/sim-inputs';
import { eventRefusalReason } from '../../../workflows/event-validation';
import { volunteerClearanceMachine, volunteerClearanceV1 } from './procedure';
import { VOLUNTEER_CLEARANCE_SIMULATION } from './simulation';

const catalog = createCatalog([...[...CATALOG.values()].flatMap((v) => [...v.values()]), volunteerClearanceV1]);
const ID = 'volunteer-clearance';

function io(): Io & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

describe('a fixture procedure added from test/ alone', () => {
  it('is not in the shipped catalog, and is in the catalog it is added to with one line', () => {
    expect(CATALOG.has(ID)).toBe(false);
    expect(getProcedure(ID, undefined, catalog)).toBe(volunteerClearanceV1);
  });

  it('passes the static checks, and locks through the lock command', async () => {
    expect(checkProcedure(volunteerClearanceV1, { agencyServices: await loadAgencyServices(), catalog })).toEqual([]);
    const lockFile = join(mkdtempSync(join(tmpdir(), 'fixture-lock-')), 'procedures.lock.json');
    const paths = { lockFile, historiesDir: join(tmpdir(), 'none') };
    const before = io();
    expect(await cmdCheck(before, paths, ID, catalog)).toBe(0);
    expect(before.lines).toEqual([expect.stringContaining(`warning NOT_LOCKED: ${ID} v1`), `1 procedure version(s) checked: 0 error(s), 1 warning(s)`]);
    expect(cmdLock(io(), paths, catalog, ID)).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(lockFile, 'utf8')).procedures)).toEqual([ID]);
    const after = io();
    expect(await cmdCheck(after, paths, ID, catalog)).toBe(0);
    expect(after.lines).toEqual(['1 procedure version(s) checked: 0 error(s), 0 warning(s)']);
  });

  it('is drawn with the applicant-data phase ahead of its chart', () => {
    const model = procedureChart(volunteerClearanceV1);
    expect(model.byPath.get('')!.initial).toEqual(['applicantData']);
    const mermaid = renderDiagram(volunteerClearanceV1, 'mermaid');
    for (const s of ['applicantData', 'checking', 'deciding', 'issuing', 'cleared', 'refused', 'dataLapsed']) expect(mermaid).toContain(s);
    expect(renderDiagram(volunteerClearanceV1, 'svg')).toMatch(/<svg[\s\S]*data-path="deciding"[\s\S]*<\/svg>\s*$/);
    const out = io();
    expect(cmdDiagram(out, ID, 'mermaid', undefined, undefined, catalog)).toBe(0);
    expect(out.lines.join('\n')).toBe(mermaid.trimEnd());
  });

  it('is simulated from the data in its folder: every declared event is sent and every outcome reached', () => {
    expect(hasSimulationInput(volunteerClearanceV1)).toBe(true);
    const paths = generatePaths(volunteerClearanceV1);
    const sent = new Set(paths.flatMap((p) => p.steps.filter((s) => s.kind === 'event').map((s) => s.name)));
    expect([...sent].sort()).toEqual(volunteerClearanceV1.events.map((e) => e.type).sort());
    expect(new Set(paths.map((p) => p.finalState))).toEqual(new Set(Object.keys(volunteerClearanceV1.outcomes)));
    const out = io();
    expect(printPaths(out, ID, undefined, undefined, catalog)).toBe(0);
    expect(out.lines[0]).toBe(`${ID} v1: ${paths.length} path(s)`);
    expect(out.lines[1]).toContain('before the chart: applicantData.awaitingData');
  });

  it('runs: its chart reaches "cleared" with stand-in services; the runner refuses an officer of another agency', async () => {
    const input = VOLUNTEER_CLEARANCE_SIMULATION.variants[0].input('run', { cast: { volunteer: { person: { personalId: '001085700001' } as never } } });
    const sample = VOLUNTEER_CLEARANCE_SIMULATION.sampleOutputs!;
    const machine = volunteerClearanceMachine.provide({
      actors: {
        checkJudicialRecordRequest: fromPromise(async () => sample.checkJudicialRecordRequest),
        issueJudicialRecordCertificate: fromPromise(async () => sample.issueJudicialRecordCertificate),
      },
    });
    const actor = createActor(machine, { input: { caseId: 'fx-1', ...input } as never }).start();
    await waitFor(actor, (s) => s.matches('deciding'));
    const clear = (agency: 'police' | 'justice'): ProcedureEvent => ({ type: 'CLEAR_VOLUNTEER', actor: { kind: 'officer', id: 'o-1', agency } });
    expect(eventRefusalReason(volunteerClearanceV1, actor.getSnapshot(), { event: clear('justice') } as never)).toBe('"CLEAR_VOLUNTEER" is sent by an officer of police');
    expect(eventRefusalReason(volunteerClearanceV1, actor.getSnapshot(), { event: clear('police') } as never)).toBeNull();
    actor.send(clear('police'));
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe('cleared');
    expect(volunteerClearanceV1.results!(actor.getSnapshot().context)).toEqual({ certificate: { certificateNumber: 'LLTP-SIM-1' }, refusals: [] });
    // A refusal without reasons is refused by the runner from the event declaration.
    const [start] = initialTransition(volunteerClearanceMachine, { caseId: 'fx-2', ...input } as never);
    const deciding = getNextSnapshot(volunteerClearanceMachine, start, { type: 'xstate.done.actor.checkJudicialRecordRequest', output: sample.checkJudicialRecordRequest } as never);
    expect(deciding.value).toBe('deciding');
    expect(eventRefusalReason(volunteerClearanceV1, deciding, { event: { type: 'REFUSE_CLEARANCE', actor: { kind: 'officer', id: 'o-1', agency: 'police' } } } as never)).toBe('"REFUSE_CLEARANCE" needs "reason"');
  });
});
