/**
 * The procedure's SVG diagram (designer/diagram-svg.ts) made navigable: each state box becomes a link to the page
 * that selects it (works without JavaScript; keyboard focusable; its accessible name is the box's own text), the selected state is
 * outlined, and the SVG is given an accessible name for assistive technology.
 */
import type { ProcedureDefinition } from '../../procedures/types';
import { escapeXml, renderSvg } from '../../designer/diagram-svg';

export function linkedDiagramSvg(def: ProcedureDefinition, hrefOf: (statePath: string) => string, selected: string | null, label: string): string {
  const svg = renderSvg(def).replace(/^<\?xml[^>]*>\n/, '');
  const linked = svg.replace(/<g class="state" data-path="([^"]*)">([\s\S]*?)<\/g>/g, (_m, path: string, inner: string) => {
    const raw = path.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
    const isSelected = raw === selected;
    const body = isSelected ? inner.replace(/stroke="#333" stroke-width="[^"]*"/, 'stroke="#1d70b8" stroke-width="4"') : inner;
    return `<a href="${escapeXml(hrefOf(raw))}"${isSelected ? ' aria-current="true"' : ''}><g class="state" data-path="${path}">${body}</g></a>`;
  });
  return linked.replace('<svg ', `<svg aria-label="${escapeXml(label)}" `);
}
