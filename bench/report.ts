/**
 * Output of the long benchmarks: a progress line per phase (elapsed time, counts, rate), a Markdown table that
 * can be pasted into docs/performance.md, and the machine the figures were taken on.
 */
import { cpus, totalmem } from 'node:os';

const started = performance.now();

/** `[  12.3 s] message` — the time since the bench started, so a slow phase shows. */
export function progress(message: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s] ${message}`);
}

/**
 * Tracks a phase that does `total` things: a line at every tenth done, at least every `everyMs` while it runs
 * (default 5 s), and at the end, with the rate so far.
 */
export function phaseProgress(label: string, total: number, everyMs = 5000) {
  const t0 = performance.now();
  let done = 0;
  let lastLine = t0;
  const step = Math.max(1, Math.ceil(total / 10));
  const line = () => {
    lastLine = performance.now();
    const s = (lastLine - t0) / 1000;
    progress(`${label}: ${done}/${total} in ${s.toFixed(1)} s (${(done / Math.max(s, 1e-3)).toFixed(1)}/s)`);
  };
  const timer = setInterval(() => {
    if (performance.now() - lastLine >= everyMs) line();
  }, 1000);
  timer.unref();
  return {
    tick(n = 1) {
      const before = done;
      done += n;
      if (Math.floor(done / step) > Math.floor(before / step) || done >= total) line();
      if (done >= total) clearInterval(timer);
    },
    get done() {
      return done;
    },
    seconds: () => (performance.now() - t0) / 1000,
  };
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The date and the machine, for the heading of a figures table. */
export function machineLine(extra = ''): string {
  const c = cpus();
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  return `${date} UTC · ${c.length} × ${c[0]?.model.trim() ?? 'unknown CPU'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB · Node ${process.version}${extra ? ` · ${extra}` : ''}`;
}

/** A number with `digits` decimals, or "—" when it is not a number. */
export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
