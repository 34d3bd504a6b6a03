/**
 * `tsx bench/profile-areas.ts <dir> [fromS toS]` — where each process of a profiled run spent its CPU: every
 * `.cpuprofile` in <dir> (e.g. a bench run with NODE_OPTIONS="--cpu-prof --cpu-prof-dir=<dir>", which profiles every
 * process it spawns), its largest areas by self time (bench/cpu-profile.ts), counting only samples between
 * fromS and toS seconds after the earliest profile started (the bench's own progress lines give the phase), so
 * start-up (compiling, bundling workflows) is left out. The file names hold each process's pid (tell the
 * worker roles apart by it).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningAndWaiting, selfTimeByArea } from './cpu-profile';

const [dir, from = '0', to = '1e9'] = process.argv.slice(2);
if (!dir) throw new Error('usage: tsx bench/profile-areas.ts <dir> [fromS toS]');
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
const meta = files.map((f) => {
  const text = readFileSync(join(dir, f), 'utf8');
  const start = Number(/"startTime":(\d+)/.exec(text)?.[1] ?? 0);
  const script = ['devserver/main.ts', 'worker/main.ts', 'scripts/api.ts', 'bench/'].find((s) => text.includes(s)) ?? '?';
  return { f, start, script };
});
const t0 = Math.min(...meta.map((m) => m.start));
const window: [number, number][] = [[t0 + Number(from) * 1e6, t0 + Number(to) * 1e6]];
for (const m of meta) {
  // selfTimeByArea reads a directory: give it one file at a time.
  const one = mkdtempSync(join(tmpdir(), 'profile-one-'));
  symlinkSync(join(dir, m.f), join(one, m.f));
  const { areas, waitingMs: waiting } = runningAndWaiting(selfTimeByArea(one, window));
  rmSync(one, { recursive: true, force: true });
  const total = areas.reduce((a, x) => a + x.ms, 0);
  if (total < 200) continue;
  console.log(`\n${m.f} (${m.script}): ${total.toFixed(0)} ms of JavaScript and native time in the window, and ${waiting.toFixed(0)} ms waiting for a core`);
  for (const a of areas.slice(0, 12)) console.log(`  ${((a.ms / total) * 100).toFixed(1).padStart(5)} %  ${a.area}`);
}
