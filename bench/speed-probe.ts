/**
 * The VM's speed while a bench runs, measured beside it. This machine's cores change speed from one second to the
 * next (a fixed piece of JavaScript took 55–89 ms of CPU within twenty seconds on an idle VM, 2026-12-07), so a
 * case's CPU time moves with the VM as much as with the code. The probe is a small process that runs one fixed
 * unit of work (objects built, JSON written and read back, a SHA-256 now and then — the kinds of work a case does)
 * every `intervalMs` and reports the CPU time each unit took. Its mean over a measured batch is the VM's speed
 * during that batch: over six `npm run bench` runs of one commit, the case's CPU (176–268 ms) followed it with a
 * correlation of 0.99, and the ratio of the two stayed within ±5 % where the CPU itself moved by ±20 %
 * (docs/performance.md, "A probe of the VM's speed"). It costs ~1.5 % of one core (a ~7 ms unit every 500 ms).
 *
 * The unit's code is fixed here: a figure at reference speed compares with another only while the unit is the same.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The probe's unit of work, in ms of CPU, that "reference speed" stands for (the VM's faster moments with a bench running). */
export const REFERENCE_PROBE_UNIT_MS = 7.0;

/** Runs in its own `node`: a unit every interval, "<epoch ms> <cpu ms>" per line; leaves when its parent does. */
const PROBE_SCRIPT = `
const { createHash } = require('node:crypto');
const [iterations, intervalMs] = process.argv.slice(1).map(Number);
const parent = process.ppid;
function unit() {
  const t0 = process.cpuUsage();
  let acc = 0;
  for (let i = 0; i < iterations; i++) {
    const o = { id: i, name: 'case-' + i, steps: [i, i + 1, i + 2], nested: { a: i % 7, b: String(i) } };
    const s = JSON.stringify(o);
    acc += JSON.parse(s).steps[1];
    if (i % 50 === 0) acc += createHash('sha256').update(s).digest()[0];
  }
  const c = process.cpuUsage(t0);
  return [(c.user + c.system) / 1000, acc];
}
for (let i = 0; i < 50; i++) unit(); // compiled before the first reading
process.stdout.on('error', () => process.exit(0));
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
  const [ms] = unit();
  process.stdout.write(Date.now() + ' ' + ms.toFixed(3) + '\\n');
}, intervalMs);
`;

export interface ProbeReading {
  /** Units measured in the window. */
  samples: number;
  /** Mean CPU ms per unit: the VM's speed over the window (higher is slower). */
  meanUnitMs: number;
}

export interface SpeedProbe {
  /** The probe process's pid. */
  readonly pid: number;
  /** The probe's reading between two `Date.now()` times, or null when no unit finished between them. */
  during(fromMs: number, toMs: number): ProbeReading | null;
  stop(): Promise<void>;
}

/** `value` ms of CPU as it would be at reference speed, given the probe's mean unit over the same window. */
export function atReferenceSpeed(value: number, meanUnitMs: number): number {
  return (value * REFERENCE_PROBE_UNIT_MS) / meanUnitMs;
}

/** Starts the probe and resolves once its first unit is in. `iterations` 2,000 is ~7 ms of CPU on this VM. */
export async function startSpeedProbe(opts: { intervalMs?: number; iterations?: number } = {}): Promise<SpeedProbe> {
  const intervalMs = opts.intervalMs ?? 500;
  const iterations = opts.iterations ?? 2000;
  const child: ChildProcess = spawn(process.execPath, ['-e', PROBE_SCRIPT, String(iterations), String(intervalMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const readings: { at: number; ms: number }[] = [];
  let first!: () => void;
  const started = new Promise<void>((resolve, reject) => {
    first = resolve;
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the speed probe exited with ${code} before its first reading`)));
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [at, ms] = line.split(' ').map(Number);
    if (!Number.isFinite(at) || !Number.isFinite(ms)) return;
    readings.push({ at: at!, ms: ms! });
    first();
  });
  await started;
  child.removeAllListeners('exit');
  return {
    pid: child.pid!,
    during(fromMs, toMs) {
      const inWindow = readings.filter((r) => r.at >= fromMs && r.at <= toMs);
      if (inWindow.length === 0) return null;
      return { samples: inWindow.length, meanUnitMs: inWindow.reduce((a, r) => a + r.ms, 0) / inWindow.length };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
