/**
 * SVG of a procedure, laid out by our own small layered layout (no browser, no network): leaf states in rows by
 * their distance from the start, transitions as arrows labelled with who sends what, each state box listing its
 * services (agency), deadline and whom it waits for, and a header with the total deadline and the data sources.
 */
import type { ProcedureDefinition } from '../procedures/types';
import { entryLeaves, finalLeaves, type ChartModel, type ChartState } from './chart-model';
import { procedureChart } from './applicant-data-phase';
import { coveringDeadlines, procedureNotes, stateNotes, transitionLabel } from './diagram-labels';

const CHAR_W = 6.6;
const LINE_H = 15;
const PAD = 8;
const GAP_X = 40;
const GAP_Y = 70;
const MARGIN = 20;

interface Box {
  path: string;
  lines: string[];
  final: boolean;
  layer: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Edge {
  from: string;
  to: string;
  label: string;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Transitions between leaf states: a compound source means its final leaves (onDone) or all its leaves. */
function leafEdges(def: ProcedureDefinition, model: ChartModel): Edge[] {
  const edges: Edge[] = [];
  const leavesUnder = (s: ChartState) =>
    model.states.filter((x) => x.children.length === 0 && x.path.startsWith(`${s.path}.`)).map((x) => x.path);
  for (const s of model.states) {
    for (const t of s.transitions) {
      const sources = s.children.length === 0 ? [s.path] : t.kind === 'stateDone' ? finalLeaves(model, s.path) : leavesUnder(s);
      const label = transitionLabel(def, t);
      for (const target of t.targets) {
        for (const from of sources) for (const to of entryLeaves(model, target)) edges.push({ from, to, label });
      }
    }
  }
  return edges;
}

function layout(def: ProcedureDefinition, model: ChartModel): { boxes: Map<string, Box>; edges: Edge[] } {
  const leaves = model.states.filter((s) => s.children.length === 0 && s.path !== '');
  const edges = leafEdges(def, model);
  // Layer = shortest distance from the start (BFS); unreachable leaves go below everything.
  const layer = new Map<string, number>();
  const queue = entryLeaves(model, '');
  for (const p of queue) layer.set(p, 0);
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const e of edges) if (e.from === p && !layer.has(e.to)) {
      layer.set(e.to, layer.get(p)! + 1);
      queue.push(e.to);
    }
  }
  const maxLayer = Math.max(0, ...layer.values());
  const boxes = new Map<string, Box>();
  for (const s of leaves) {
    const lines = [s.path.split('.').join(' › '), ...stateNotes(def, s), ...coveringDeadlines(def, s)];
    const w = Math.max(...lines.map((l) => l.length)) * CHAR_W + 2 * PAD;
    const h = lines.length * LINE_H + 2 * PAD;
    boxes.set(s.path, { path: s.path, lines, final: s.kind === 'final', layer: layer.get(s.path) ?? maxLayer + 1, x: 0, y: 0, w, h });
  }
  return { boxes, edges };
}

export function renderSvg(def: ProcedureDefinition): string {
  const model = procedureChart(def);
  const { boxes, edges } = layout(def, model);
  const header = procedureNotes(def);
  const headerH = header.length * LINE_H + 2 * PAD;
  const rows = new Map<number, Box[]>();
  for (const b of boxes.values()) rows.set(b.layer, [...(rows.get(b.layer) ?? []), b]);
  const layers = [...rows.keys()].sort((a, b) => a - b);
  const rowWidth = (bs: Box[]) => bs.reduce((sum, b) => sum + b.w, 0) + GAP_X * (bs.length - 1);
  const headerW = Math.max(...header.map((l) => l.length)) * CHAR_W + 2 * PAD;
  const width = Math.max(headerW, ...layers.map((l) => rowWidth(rows.get(l)!))) + 2 * MARGIN;
  let y = MARGIN + headerH + GAP_Y / 2;
  for (const l of layers) {
    const bs = rows.get(l)!; // document order keeps a step's states side by side
    let x = (width - rowWidth(bs)) / 2;
    const rowH = Math.max(...bs.map((b) => b.h));
    for (const b of bs) {
      b.x = x;
      b.y = y;
      x += b.w + GAP_X;
    }
    y += rowH + GAP_Y;
  }
  const height = y - GAP_Y + MARGIN;

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(`${def.id} v${def.version}`)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
    `<rect x="${MARGIN}" y="${MARGIN}" width="${headerW}" height="${headerH}" fill="#f4f6fb" stroke="#99a"/>`,
  ];
  header.forEach((l, i) => {
    out.push(`<text x="${MARGIN + PAD}" y="${MARGIN + PAD + (i + 0.8) * LINE_H}"${i === 0 ? ' font-weight="bold"' : ''}>${escapeXml(l)}</text>`);
  });
  // Start marker into every initial leaf.
  for (const p of entryLeaves(model, '')) {
    const b = boxes.get(p)!;
    out.push(`<circle cx="${b.x + b.w / 2}" cy="${b.y - 25}" r="5" fill="#333"/>`);
    out.push(`<line x1="${b.x + b.w / 2}" y1="${b.y - 20}" x2="${b.x + b.w / 2}" y2="${b.y}" stroke="#555" marker-end="url(#arrow)"/>`);
  }
  edges.forEach((e, i) => out.push(...edgeSvg(boxes.get(e.from)!, boxes.get(e.to)!, e.label, i)));
  for (const b of boxes.values()) {
    out.push(
      `<g class="state" data-path="${escapeXml(b.path)}"><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" fill="${b.final ? '#eef7ee' : '#ffffff'}" stroke="#333" stroke-width="${b.final ? 2.5 : 1}"/>`,
    );
    b.lines.forEach((l, i) => {
      out.push(`<text x="${b.x + PAD}" y="${b.y + PAD + (i + 0.8) * LINE_H}"${i === 0 ? ' font-weight="bold"' : ' fill="#444"'}>${escapeXml(l)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function edgeSvg(a: Box, b: Box, label: string, index: number): string[] {
  const forward = b.layer > a.layer;
  const x1 = a.x + a.w / 2;
  const x2 = b.x + b.w / 2;
  let d: string;
  let lx: number;
  let ly: number;
  if (forward) {
    const y1 = a.y + a.h;
    const y2 = b.y;
    d = `M ${x1} ${y1} L ${x2} ${y2}`;
    lx = (x1 + x2) / 2;
    ly = (y1 + y2) / 2 + ((index % 3) - 1) * 10; // stagger labels of edges leaving one row
  } else {
    // Back or same-row edge: leave on the right, come back into the target's right side.
    const y1 = a.y + a.h / 2;
    const y2 = b.y + b.h / 2;
    const bulge = Math.max(a.x + a.w, b.x + b.w) + 60;
    d = `M ${a.x + a.w} ${y1} C ${bulge} ${y1}, ${bulge} ${y2}, ${b.x + b.w} ${y2}`;
    lx = bulge - 20;
    ly = (y1 + y2) / 2;
  }
  const w = label.length * CHAR_W * 0.9 + 6;
  return [
    `<path d="${d}" fill="none" stroke="#555" marker-end="url(#arrow)"/>`,
    `<rect x="${lx - w / 2}" y="${ly - 8}" width="${w}" height="14" fill="#ffffff" fill-opacity="0.85"/>`,
    `<text x="${lx}" y="${ly + 3}" text-anchor="middle" font-size="10" fill="#225">${escapeXml(label)}</text>`,
  ];
}
