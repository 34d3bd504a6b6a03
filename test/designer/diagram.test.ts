import { describe, expect, it } from 'vitest';
import { CATALOG, getProcedure } from '../../procedures/catalog';
import { renderDiagram, DIAGRAM_FORMATS } from '../../designer/diagram';
import { UnknownDiagramFormatError } from '../../designer/errors';
import { goodDefinition } from './faulty';

/** A strict little XML well-formedness check: balanced tags, quoted attributes, known entities only. */
function assertWellFormedXml(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const names: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length && (m = token.exec(body)) !== null) {
    pos = token.lastIndex;
    const [, close, name, , selfClose, textNode] = m;
    if (textNode !== undefined) {
      expect(textNode.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toMatch(/[&<>]/);
      continue;
    }
    if (!name) continue;
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name);
    names.push(name);
  }
  expect(pos).toBe(body.length);
  expect(stack).toEqual([]);
  return names;
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&'));

describe('diagrams', () => {
  it('Mermaid: states (nested and parallel), agencies of services, deadlines, actors, delays and data sources', () => {
    const text = renderDiagram(getProcedure('birth-group'), 'mermaid');
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const line of [
      'state "birth" as birth {',
      'state "services (parallel)" as services {',
      '    --',
      'birth_checking : service checkBirthDossier (justice)',
      'services_residence_checking : service checkResidence (police)',
      'services_insurance_issuing : service issueHealthInsuranceCard (vss)',
      'birth : deadline 0 working days',
      'services_residence : deadline 2 working days, 5 with verification',
      'services_insurance : deadline 2 working days',
      'birth_awaitingOfficer --> birth_registering : APPROVE_BIRTH by officer justice',
      'services_residence_awaitingHeadConsent --> services_residence_awaitingOfficer : HEAD_CONSENT by citizen',
      'birth_awaitingSupplement --> rejected : after supplementWindow (7 working days)',
      'services --> partiallyCompleted : all done [followUpRefused]',
      'total deadline 3 working days (5 with verification)',
      'data from registry population mother.fullName',
      'data from citizen applicant.personalId',
      'completed --> [*]',
    ]) {
      expect(text).toContain(line);
    }
    // Every state of the chart appears as a Mermaid state.
    for (const id of ['birth_registering_issuingId', 'services_residence_registered', 'refused', 'failed']) expect(text).toContain(`as ${id}`);
  });

  it('SVG: well-formed XML with the states, agencies, deadlines and data sources as labels', () => {
    const svg = renderDiagram(getProcedure('birth-group'), 'svg');
    const names = assertWellFormedXml(svg);
    expect(names[0]).toBe('svg');
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    const labels = texts(svg);
    for (const l of [
      'birth › awaitingOfficer',
      'services › residence › awaitingHeadConsent',
      'service checkBirthDossier (justice)',
      'service registerPermanentResidence (police)',
      'service issueHealthInsuranceCard (vss)',
      'deadline residence: 2 working days, 5 with verification',
      'deadline birth: 0 working days',
      'waits for officer (justice)',
      'APPROVE_BIRTH by officer justice',
      'after headConsentWindow (7 working days)',
      'total deadline: 3 working days (5 with verification)',
      'completed',
    ]) {
      expect(labels).toContain(l);
    }
    expect(labels.some((l) => l.startsWith('data from registry residence: household.householdId'))).toBe(true);
    // every leaf state: 5 birth, 6 residence, 3 insurance, 5 final outcomes, and the generated applicant-data phase
    // (awaitingData) with its lapse (dataLapsed)
    expect(svg.match(/<g class="state"/g)?.length).toBe(21);
  });

  it('escapes text, renders every catalog procedure, and refuses unknown formats', () => {
    const def = goodDefinition({ title: 'Permits <for> "A & B"' });
    const svg = renderDiagram(def, 'svg');
    assertWellFormedXml(svg);
    expect(svg).toContain('Permits &lt;for&gt; &quot;A &amp; B&quot;');
    expect(renderDiagram(def, 'mermaid')).toContain('deciding : deadline 2 working days, 4 with verification');
    for (const [, versions] of CATALOG) {
      for (const d of versions.values()) {
        for (const f of DIAGRAM_FORMATS) expect(renderDiagram(d, f).length).toBeGreaterThan(200);
        assertWellFormedXml(renderDiagram(d, 'svg'));
      }
    }
    expect(() => renderDiagram(def, 'png')).toThrow(UnknownDiagramFormatError);
  });
});
