/** The one entry point the API serves: a procedure's diagram as Mermaid text or SVG. */
import type { ProcedureDefinition } from '../procedures/types';
import { renderMermaid } from './diagram-mermaid';
import { renderSvg } from './diagram-svg';
import { UnknownDiagramFormatError } from './errors';

export type DiagramFormat = 'mermaid' | 'svg';
export const DIAGRAM_FORMATS: readonly DiagramFormat[] = ['mermaid', 'svg'];

export const DIAGRAM_CONTENT_TYPES: Record<DiagramFormat, string> = {
  mermaid: 'text/vnd.mermaid; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
};

export function renderDiagram(def: ProcedureDefinition, format: DiagramFormat | string = 'mermaid'): string {
  if (format === 'mermaid') return renderMermaid(def);
  if (format === 'svg') return renderSvg(def);
  throw new UnknownDiagramFormatError(format);
}
