/**
 * A server-rendered line chart (SVG, no script, no chart library) of one indicator over days, with a title and a
 * description for assistive technology; the page shows the same figures in a table beside it.
 */
import { escapeXml } from '../../designer/diagram-svg';

export interface ChartPoint {
  day: string;
  value: number | null;
}

export interface LineChartOptions {
  title: string;
  description: string;
  /** Formats a value for the axis (e.g. a percentage). */
  format?: (v: number) => string;
  width?: number;
  height?: number;
  /** Upper bound of the y axis (default: the largest value, at least 1). */
  max?: number;
}

const M = { top: 16, right: 16, bottom: 36, left: 52 };

export function lineChartSvg(points: readonly ChartPoint[], o: LineChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 220;
  const fmt = o.format ?? ((v: number) => String(Math.round(v * 100) / 100));
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const max = o.max ?? Math.max(1, ...values);
  const innerW = width - M.left - M.right;
  const innerH = height - M.top - M.bottom;
  const x = (i: number) => M.left + (points.length <= 1 ? innerW / 2 : (i * innerW) / (points.length - 1));
  const y = (v: number) => M.top + innerH - (v / max) * innerH;
  const id = `c${Math.abs(hash(o.title))}`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" role="img" aria-labelledby="${id}-t ${id}-d" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title id="${id}-t">${escapeXml(o.title)}</title>`,
    `<desc id="${id}-d">${escapeXml(o.description)}</desc>`,
  ];
  for (const t of [0, 0.5, 1]) {
    const yy = y(max * t);
    out.push(`<line x1="${M.left}" x2="${width - M.right}" y1="${yy}" y2="${yy}" stroke="#b1b4b6" stroke-width="1"/>`);
    out.push(`<text x="${M.left - 6}" y="${yy + 4}" text-anchor="end" fill="#0b0c0c">${escapeXml(fmt(max * t))}</text>`);
  }
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    if (i % labelEvery === 0 || i === points.length - 1) {
      out.push(`<text x="${x(i)}" y="${height - M.bottom + 18}" text-anchor="middle" fill="#0b0c0c">${escapeXml(p.day.slice(5))}</text>`);
    }
  });
  // One polyline per run of known values (a day without a snapshot breaks the line).
  let run: string[] = [];
  const flush = () => {
    if (run.length > 1) out.push(`<polyline fill="none" stroke="#1d70b8" stroke-width="3" points="${run.join(' ')}"/>`);
    run = [];
  };
  points.forEach((p, i) => {
    if (p.value === null) return flush();
    run.push(`${x(i)},${y(p.value)}`);
    out.push(`<circle cx="${x(i)}" cy="${y(p.value)}" r="3.5" fill="#1d70b8"/>`);
  });
  flush();
  if (points.length === 0) out.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#505a5f">—</text>`);
  out.push('</svg>');
  return out.join('');
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}
