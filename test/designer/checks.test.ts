import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../procedures/catalog';
import { loadAgencyServices, type AgencyServices } from '../../designer/agency-services';
import { checkProcedure, type Problem } from '../../designer/checks';
import { goodDefinition, permitSetup } from './faulty';

let agencyServices: AgencyServices;
beforeAll(async () => {
  agencyServices = await loadAgencyServices();
});

const messages = (ps: Problem[], severity: Problem['severity'] = 'error') => ps.filter((p) => p.severity === severity).map((p) => p.message);

describe('agency services', () => {
  it('are read from the real activity factories without I/O', () => {
    expect([...agencyServices.get('justice')!]).toEqual(expect.arrayContaining(['checkBirthDossier', 'issuePersonalId', 'registerBirth']));
    expect([...agencyServices.get('police')!]).toEqual(expect.arrayContaining(['checkResidence', 'registerPermanentResidence']));
    expect([...agencyServices.get('vss')!]).toEqual(expect.arrayContaining(['issueHealthInsuranceCard']));
  });
});

describe('checkProcedure', () => {
  it('finds nothing wrong with a well-formed procedure', () => {
    expect(checkProcedure(goodDefinition(), { agencyServices })).toEqual([]);
  });

  it('reports unreachable states and states with no way out', () => {
    const def = goodDefinition({
      machine: permitSetup.createMachine({
        id: 'permit',
        initial: 'checking',
        states: {
          checking: { invoke: { id: 'checkBirthDossier', src: 'checkBirthDossier', onDone: 'deciding', onError: 'failed' } },
          deciding: { on: { APPROVE: { target: 'approved' }, REFUSE: { actions: 'note' } } },
          limbo: { on: { APPROVE: 'approved' } },
          approved: { type: 'final' },
          refused: { type: 'final' },
          failed: { type: 'final' },
          stuck: {},
        },
      }),
    });
    const errors = messages(checkProcedure(def, { agencyServices }));
    expect(errors).toContain('permit v1, state "limbo": unreachable from the initial state');
    expect(errors).toContain('permit v1, state "refused": unreachable from the initial state');
    expect(errors).toContain('permit v1, state "stuck": not final and has no transition out: a case would wait here forever');
    expect(errors).not.toContain('permit v1, state "deciding": not final and has no transition out: a case would wait here forever');
  });

  it('reports a state whose only transitions stay in it', () => {
    const def = goodDefinition({
      machine: permitSetup.createMachine({
        id: 'permit',
        initial: 'checking',
        states: {
          checking: { invoke: { id: 'checkBirthDossier', src: 'checkBirthDossier', onDone: 'deciding', onError: 'failed' } },
          deciding: { on: { REFUSE: { actions: 'note' }, APPROVE: 'deciding' } },
          approved: { type: 'final' },
          refused: { type: 'final' },
          failed: { type: 'final' },
        },
      }),
    });
    expect(messages(checkProcedure(def, { agencyServices }))).toContain(
      'permit v1, state "deciding": not final and has no transition out: a case would wait here forever',
    );
  });

  it('reports services no agency provides, undeclared services and agencies not listed', () => {
    const def = goodDefinition({
      services: [
        { name: 'checkBirthDossier', agency: 'vss', description: 'd', purpose: 'p', legalBasis: 'l' },
        { name: 'issueFishingPermit', agency: 'justice', description: 'd', purpose: 'p', legalBasis: 'l' },
      ],
      machine: permitSetup.createMachine({
        id: 'permit',
        initial: 'checking',
        states: {
          checking: { invoke: { id: 'checkBirthDossier', src: 'checkBirthDossier', onDone: 'permitting', onError: 'failed' } },
          permitting: { invoke: { id: 'issueFishingPermit', src: 'issueFishingPermit', onDone: 'deciding', onError: 'failed' } },
          deciding: { on: { APPROVE: 'approved', REFUSE: 'refused' } },
          approved: { type: 'final' },
          refused: { type: 'final' },
          failed: { type: 'final' },
        },
      }),
    });
    const errors = messages(checkProcedure(def, { agencyServices }));
    const registered = (agency: string) => [...agencyServices.get(agency)!].sort().join(', ');
    expect(errors).toContain(
      `permit v1, state "checking": invokes "checkBirthDossier" (agency vss), which the vss worker does not register (it registers: ${registered('vss')})`,
    );
    expect(errors).toContain(
      `permit v1, state "permitting": invokes "issueFishingPermit" (agency justice), which the justice worker does not register (it registers: ${registered('justice')})`,
    );
    expect(errors).toContain('permit v1: service "checkBirthDossier" belongs to agency vss, which is not in the procedure\'s agencies');

    const undeclared = goodDefinition({ services: [] });
    expect(messages(checkProcedure(undeclared, { agencyServices }))).toContain(
      'permit v1, state "checking": invokes "checkBirthDossier", which is not declared in services (no agency owns it)',
    );
  });

  it('reports events no actor may send, officer events without an agency, and unused declarations', () => {
    const def = goodDefinition({
      events: [
        { type: 'APPROVE', actor: 'officer', description: 'approve' },
        { type: 'WITHDRAW', actor: 'citizen', description: 'withdraw' },
      ],
    });
    const problems = checkProcedure(def, { agencyServices });
    expect(messages(problems)).toEqual(
      expect.arrayContaining([
        'permit v1, state "deciding": event "REFUSE" has no declared actor: no citizen, officer or system may send it',
        'permit v1: event "APPROVE" is sent by an officer but names no agency',
      ]),
    );
    expect(messages(problems, 'warning')).toContain('permit v1: event "WITHDRAW" is declared but no state accepts it');
  });

  it('reports required data fields without a source', () => {
    const def = goodDefinition({
      data: [
        { name: 'applicant.fullName', type: 'string', required: true, source: { kind: 'registry', registry: 'population', keyField: 'applicant.personalId', attribute: 'fullName' }, purpose: 'p', legalBasis: 'l' },
        { name: 'permit.number', type: 'string', required: true, source: { kind: 'step', step: 'issueFishingPermit', output: 'number' }, purpose: 'p', legalBasis: 'l' },
        { name: 'decision', type: 'string', required: true, source: { kind: 'step', step: 'approve', output: 'at' }, purpose: 'p', legalBasis: 'l' },
        { name: 'child.personalId', type: 'personalId', required: true, source: { kind: 'step', step: 'issuePersonalId', output: 'personalId' }, purpose: 'p', legalBasis: 'l' },
        { name: 'optional.note', type: 'string', required: false, source: { kind: 'step', step: 'nowhere', output: 'x' }, purpose: 'p', legalBasis: 'l' },
      ],
    });
    const problems = checkProcedure(def, { agencyServices, catalog: CATALOG });
    expect(messages(problems)).toEqual([
      'permit v1: required field "applicant.fullName" has no source: its population registry key "applicant.personalId" is not a declared field',
      'permit v1: required field "permit.number" has no source: step "issueFishingPermit" is neither a service nor an event of this procedure',
    ]);
    // "approve" is the APPROVE event; issuePersonalId is a step of the birth procedures (carried by the case input).
    expect(messages(problems, 'warning')).toEqual([
      expect.stringMatching(/^permit v1: required field "child.personalId" comes from step "issuePersonalId" of another procedure \(birth-(group|registration)\): the case input must carry it$/),
    ]);
  });

  it('reports officer steps without a deadline and deadlines naming no state', () => {
    const def = goodDefinition({ deadlines: [{ step: 'total', workingDays: 3, legalBasis: 'l' }, { step: 'review', workingDays: 1, legalBasis: 'l' }] });
    expect(messages(checkProcedure(def, { agencyServices }))).toEqual([
      'permit v1: deadline "review" names state "review", which the chart does not have',
      'permit v1, state "deciding": officer step (waits for APPROVE, REFUSE) has no deadline',
    ]);
  });

  it('reports final states without an outcome, outcomes without a state, and undeclared delays', () => {
    const def = goodDefinition({ outcomes: { approved: 'completed', refused: 'refused', withdrawn: 'withdrawn' }, delays: [] });
    expect(messages(checkProcedure(def, { agencyServices }))).toEqual([
      'permit v1, state "deciding": delay "answerWindow" is not declared (the runner would not count it in working days)',
      'permit v1, state "failed": final state has no declared outcome',
      'permit v1: outcome "withdrawn" names no top-level final state',
    ]);
  });

  it('every problem names procedure, version and code; catalog procedures have no structural errors', () => {
    for (const [, versions] of CATALOG) {
      for (const def of versions.values()) {
        const problems = checkProcedure(def, { agencyServices, catalog: CATALOG });
        for (const p of problems) expect(p.message.startsWith(`${def.id} v${def.version}`)).toBe(true);
        const structural = problems.filter((p) =>
          ['UNREACHABLE_STATE', 'NO_WAY_OUT', 'SERVICE_NOT_PROVIDED', 'UNDECLARED_EVENT', 'FINAL_WITHOUT_OUTCOME', 'OFFICER_STEP_WITHOUT_DEADLINE'].includes(p.code),
        );
        expect(structural).toEqual([]);
      }
    }
  });
});
