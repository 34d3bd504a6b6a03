/** The applicant-data phase is part of the chart model: diagrams and `paths` show it, in the declared window. */
import { describe, expect, it } from 'vitest';
import { getProcedure } from '../../procedures/catalog';
import { AWAITING_DATA, DATA_LAPSED, procedureChart } from '../../designer/applicant-data-phase';
import { readChart } from '../../designer/chart-model';
import { printPaths } from '../../designer/commands';
import { renderDiagram } from '../../designer/diagram';
import { fingerprint } from '../../designer/fingerprint';
import { checkProcedure } from '../../designer/checks';
import { loadAgencyServices } from '../../designer/agency-services';

const judicial = getProcedure('judicial-record-certificate');
const withWindow = (days: number) => ({
  ...judicial,
  delays: [{ name: 'supplementWindow', workingDays: days, legalBasis: 'test', description: 'test window' }],
});

describe('applicant-data phase in the chart model', () => {
  it('is a generated parent state ahead of the chart: data given → the chart, window lapsed → dataLapsed', () => {
    const model = procedureChart(judicial);
    expect(model.byPath.get('')!.initial).toEqual(['applicantData']);
    expect(model.byPath.get('applicantData')).toMatchObject({ kind: 'compound', children: [AWAITING_DATA] });
    expect(model.byPath.get('applicantData')!.transitions).toEqual([expect.objectContaining({ event: 'provideData', targets: ['checking'] })]);
    expect(model.byPath.get(AWAITING_DATA)!.transitions).toEqual([expect.objectContaining({ kind: 'after', targets: [DATA_LAPSED] })]);
    expect(model.byPath.get(DATA_LAPSED)!.kind).toBe('final');
    // The chart itself (and so the fingerprint) is unchanged.
    expect(readChart(judicial.machine).byPath.has('applicantData')).toBe(false);
    expect(fingerprint(withWindow(7))).not.toBe(fingerprint(judicial)); // a declared delay counts, the phase does not
  });

  it('diagrams show the phase with the procedure\'s declared window', () => {
    const mermaid = renderDiagram(withWindow(12), 'mermaid');
    expect(mermaid).toContain('state "applicantData" as applicantData {');
    expect(mermaid).toContain('applicantData_awaitingData --> dataLapsed : after supplementWindow (12 working days)');
    expect(mermaid).toContain('applicantData --> checking : provideData by the applicant');
    expect(renderDiagram(judicial, 'mermaid')).toContain('after supplementWindow (7 working days)');
    expect(renderDiagram(withWindow(12), 'svg')).toContain('awaitingData');
  });

  it('the checks see the phase: its states are part of the structure, and an empty window is an error', async () => {
    const agencyServices = await loadAgencyServices();
    expect(checkProcedure(withWindow(12), { agencyServices })).toEqual([]);
    expect(checkProcedure(withWindow(0), { agencyServices })).toEqual([
      expect.objectContaining({ severity: 'error', code: 'DATA_WINDOW_EMPTY', state: AWAITING_DATA, message: expect.stringContaining('waits 0 working days') }),
    ]);
  });

  it('`paths` states what happens before the chart starts', () => {
    const out: string[] = [];
    printPaths({ out: (l) => out.push(l), err: () => {} }, 'judicial-record-certificate');
    expect(out[1]).toMatch(/before the chart: applicantData\.awaitingData .* provideData .* after 7 working days → dataLapsed \(outcome rejected\)/);
  });
});
