/** Mermaid stateDiagram-v2 text of a procedure: nested and parallel states, services with their agency, deadlines,
 * transitions labelled with who sends the event, delays in working days, and a note listing the data sources. */
import type { ProcedureDefinition } from '../procedures/types';
import type { ChartModel, ChartState } from './chart-model';
import { procedureChart } from './applicant-data-phase';
import { procedureNotes, stateNotes, transitionLabel } from './diagram-labels';

/** Mermaid ids: letters, digits and underscores only. */
export function mermaidId(path: string): string {
  return path === '' ? 'root' : path.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Mermaid text cannot hold ':' or ';' in labels, nor braces; keep the words. */
function text(s: string): string {
  return s.replace(/[:;{}]/g, ' ').replace(/\s+/g, ' ').trim();
}

export function renderMermaid(def: ProcedureDefinition): string {
  const model = procedureChart(def);
  const lines: string[] = ['stateDiagram-v2', '  direction TB'];
  const root = model.byPath.get('')!;
  emitChildren(def, model, root, lines, '  ');
  emitTransitions(def, model, lines);
  const first = root.initial[0];
  if (first) {
    lines.push(`  note left of ${mermaidId(first)}`);
    for (const l of procedureNotes(def)) lines.push(`    ${text(l)}`);
    lines.push('  end note');
  }
  return `${lines.join('\n')}\n`;
}

function emitChildren(def: ProcedureDefinition, model: ChartModel, parent: ChartState, lines: string[], indent: string) {
  const children = parent.children.map((c) => model.byPath.get(c)!);
  children.forEach((s, i) => {
    if (parent.kind === 'parallel' && i > 0) lines.push(`${indent}--`);
    emitState(def, model, s, lines, indent);
  });
  if (parent.kind !== 'parallel') {
    for (const init of parent.initial) lines.push(`${indent}[*] --> ${mermaidId(init)}`);
  }
  for (const s of children) if (s.kind === 'final') lines.push(`${indent}${mermaidId(s.path)} --> [*]`);
}

function emitState(def: ProcedureDefinition, model: ChartModel, s: ChartState, lines: string[], indent: string) {
  const id = mermaidId(s.path);
  const notes = stateNotes(def, s);
  if (s.children.length > 0) {
    const label = s.kind === 'parallel' ? `${s.key} (parallel)` : s.key;
    lines.push(`${indent}state "${text(label)}" as ${id} {`);
    emitChildren(def, model, s, lines, `${indent}  `);
    lines.push(`${indent}}`);
  } else {
    lines.push(`${indent}state "${text(s.key)}" as ${id}`);
  }
  for (const n of notes) lines.push(`${indent}${id} : ${text(n)}`);
}

function emitTransitions(def: ProcedureDefinition, model: ChartModel, lines: string[]) {
  for (const s of model.states) {
    for (const t of s.transitions) {
      for (const target of t.targets) {
        lines.push(`  ${mermaidId(s.path)} --> ${mermaidId(target)} : ${text(transitionLabel(def, t))}`);
      }
    }
  }
}
