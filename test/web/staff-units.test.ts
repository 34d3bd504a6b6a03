/**
 * Pure parts of the staff pages: a state's details read from the chart, the navigable diagram, the SVG chart, the
 * dashboard's period bounds and scoping, paths through a state, the console action command lines.
 */
import { describe, expect, it } from 'vitest';
import { getProcedure } from '../../procedures/catalog';
import { generatePaths } from '../../designer/simulate-paths';
import { stateDetail, statePaths, UnknownStateError } from '../../web/designer/state-detail';
import { linkedDiagramSvg } from '../../web/designer/diagram-links';
import { pathsThrough } from '../../web/designer/simulation-jobs';
import { lineChartSvg } from '../../web/supervisor/svg-chart';
import { AgencyScopeError, periodBounds, scopedQuery } from '../../web/supervisor/dashboard';
import { bulkActionArgv, caseActionArgv } from '../../web/operator/actions';
import { ConsoleInputError } from '../../web/operator/console-input';

const birth = getProcedure('birth-group', 1);

describe('designer: state details and diagram', () => {
  it('a state shows its transitions with sender and guard, services with agency, deadlines and data', () => {
    const officer = stateDetail(birth, 'birth.awaitingOfficer');
    expect(officer.transitions.map((t) => t.label)).toEqual(expect.arrayContaining(['APPROVE_BIRTH by officer justice', 'REFUSE_BIRTH by officer justice']));
    expect(officer.transitions.find((t) => t.event === 'APPROVE_BIRTH')).toMatchObject({ actor: 'officer', agency: 'justice' });
    expect(officer.deadlines.map((d) => d.step)).toEqual(['birth']);
    expect(officer.dataNeeded.find((d) => d.event === 'REFUSE_BIRTH')?.fields).toContain('reason');
    const card = stateDetail(birth, 'services.insurance.issuing');
    expect(card.services).toEqual([expect.objectContaining({ name: 'issueHealthInsuranceCard', agency: 'vss' })]);
    expect(card.deadlines.map((d) => d.step)).toEqual(['insurance']);
    expect(stateDetail(birth, 'completed')).toMatchObject({ isFinal: true, outcome: 'completed' });
    expect(() => stateDetail(birth, 'nowhere')).toThrow(UnknownStateError);
    expect(statePaths(birth)).toContain('services.residence.awaitingOfficer');
  });

  it('every state box of the diagram links to its selection; the selected one is marked', () => {
    const svg = linkedDiagramSvg(birth, (p) => `/x?state=${p}`, 'birth.awaitingOfficer', 'Birth group');
    const leaves = statePaths(birth).filter((p) => stateDetail(birth, p).children.length === 0);
    for (const p of leaves) expect(svg).toContain(`<a href="/x?state=${p}"`);
    expect(svg.match(/aria-current="true"/g)).toHaveLength(1);
    expect(svg).toContain('<svg aria-label="Birth group"');
  });

  it('the paths through a state are those that pass or end there', () => {
    const all = generatePaths(birth);
    const through = pathsThrough(all, 'birth.awaitingSupplement');
    expect(through.length).toBeGreaterThan(0);
    expect(through.length).toBeLessThan(all.length);
    expect(through.every((p) => p.steps.some((s) => s.at.includes('birth.awaitingSupplement')))).toBe(true);
    expect(pathsThrough(all, null)).toBe(all);
  });
});

describe('supervisor: charts and periods', () => {
  it('the chart has a title, a description and one point per known value', () => {
    const svg = lineChartSvg([{ day: '2026-11-01', value: 2 }, { day: '2026-11-02', value: null }, { day: '2026-11-03', value: 5 }], { title: 'Received', description: 'per day' });
    expect(svg).toMatch(/role="img" aria-labelledby="c\d+-t c\d+-d"/);
    expect(svg).toContain('<title id=');
    expect(svg.match(/<circle/g)).toHaveLength(2);
  });

  it('periods are local days (UTC+7); an officer is pinned to their agency', () => {
    const now = new Date('2026-12-01T20:00:00.000Z'); // 2 December, 03:00 in Hà Nội
    expect(periodBounds('today', now)).toMatchObject({ from: '2026-12-01T17:00:00.000Z', fromDay: '2026-12-02', toDay: '2026-12-02' });
    expect(periodBounds('last7', now).fromDay).toBe('2026-11-26');
    expect(periodBounds('all', now)).toEqual({ toDay: '2026-12-02' });
    const officer = { kind: 'officer', id: 'ca-07', agency: 'police', jurisdiction: { province: '01' } } as const;
    expect(scopedQuery(officer, { period: 'all' }).agency).toBe('police');
    expect(() => scopedQuery(officer, { period: 'all', agency: 'vss' })).toThrow(AgencyScopeError);
  });
});

describe('operator: action command lines', () => {
  it('actions become the ops CLI command line; a reason is required', () => {
    expect(caseActionArgv({ action: 'reset', caseId: '-odd', reason: ' why ', dryRun: true, toState: 'birth' })).toEqual(['reset', '--reason', 'why', '--json', '--dry-run', '--to', 'birth', '--', '-odd']);
    const send = caseActionArgv({ action: 'send', caseId: 'c1', reason: 'r', dryRun: false, eventType: 'APPROVE_BIRTH', onBehalfOf: 'tp-01', procedureId: 'birth-group' });
    expect(JSON.parse(send[send.indexOf('--event') + 1])).toEqual({ type: 'APPROVE_BIRTH', actor: { kind: 'officer', id: 'tp-01', agency: 'justice' } });
    expect(bulkActionArgv({ action: 'retry', reason: 'r', dryRun: true, kind: 'activityRetrying', agency: 'vss', stuckOnly: true })).toEqual(['bulk', 'retry', '--reason', 'r', '--json', '--dry-run', '--agency', 'vss', '--stuck', '--kind', 'activityRetrying']);
    expect(() => caseActionArgv({ action: 'retry', caseId: 'c', reason: '', dryRun: true })).toThrow(ConsoleInputError);
    expect(() => caseActionArgv({ action: 'reset', caseId: 'c', reason: 'r', dryRun: true })).toThrow(/STATE_REQUIRED/);
  });
});
