/**
 * The engine's parts as separate processes, as production runs them (`npm run devserver`, `npm run worker --
 * --agency X`, `npm run api`), so a benchmark can read each one's memory and CPU and restart one alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Node options that tie a spawned service to the bench's life (bench/exit-with-bench.mjs): with them and a piped
 * stdin, the service shuts down when the bench goes, even if the bench was killed alone.
 */
export const EXIT_WITH_BENCH = ['--import', fileURLToPath(new URL('./exit-with-bench.mjs', import.meta.url))];

/** The preload that records a service's pauses (bench/record-pauses.mjs), added for a service given a `pausesFile`. */
export const RECORD_PAUSES = fileURLToPath(new URL('./record-pauses.mjs', import.meta.url));

export interface ServiceProcess {
  name: string;
  pid: number | undefined;
  /** Milliseconds from spawn to its ready line. */
  readyMs: number;
  /** SIGTERM, then wait for it to exit (SIGKILL after `graceMs`); resolves with the milliseconds it took. */
  stop(graceMs?: number): Promise<number>;
  /** SIGKILL (no shutdown at all, as a crash); resolves once it has exited. */
  kill(): Promise<void>;
  /** Resolves when the process exits, however (its exit code or signal and the tail of its output). */
  exited: Promise<{ code: number | null; signal: string | null; tail: string }>;
}

/**
 * Runs `node ...nodeArgs --import tsx <script> ...args` from the repository root and resolves once its standard output
 * shows `readyText`; rejects if it exits first (with the tail of what it printed) or after `timeoutMs`.
 */
export async function spawnService(opts: {
  name: string;
  script: string;
  args?: string[];
  /** Flags for node itself, before the script (any V8 flag, unlike NODE_OPTIONS, which refuses most). */
  nodeArgs?: string[];
  env?: Record<string, string>;
  readyText: string;
  timeoutMs?: number;
  /** Each of its threads appends the pauses it sees (GCs, stalls) to this file (bench/record-pauses.mjs, bench/pauses.ts). */
  pausesFile?: string;
}): Promise<ServiceProcess> {
  const t0 = performance.now();
  // BENCH_PROFILE_DIR: every service writes a V8 CPU profile there when it exits (read with bench/profile-areas.ts).
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const pauses = opts.pausesFile ? ['--import', RECORD_PAUSES] : [];
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...profile, '--import', 'tsx', ...EXIT_WITH_BENCH, ...pauses, opts.script, ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, ...(opts.pausesFile ? { BENCH_PAUSES_FILE: opts.pausesFile } : {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let tail = '';
  let ready = false;
  // Its log lines (the SDK logs worker state changes at INFO) are kept, not printed: only the tail shows on a failure.
  child.stderr!.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-2000);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${opts.name}: not ready after ${opts.timeoutMs ?? 120_000} ms: ${tail}`)), opts.timeoutMs ?? 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      tail = (tail + d.toString()).slice(-2000);
      if (!ready && tail.includes(opts.readyText)) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${opts.name} exited with ${code} before it was ready: ${tail}`));
    });
  });
  const readyMs = performance.now() - t0;
  const exited = new Promise<{ code: number | null; signal: string | null; tail: string }>((resolve) => {
    if (child.exitCode != null || child.signalCode != null) resolve({ code: child.exitCode, signal: child.signalCode, tail });
    else child.once('exit', (code, signal) => resolve({ code, signal, tail }));
  });
  return {
    exited,
    name: opts.name,
    pid: child.pid,
    readyMs,
    stop: (graceMs = 30_000) =>
      new Promise<number>((resolve) => {
        const s = performance.now();
        if (child.exitCode != null || child.signalCode != null) return resolve(0);
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve(performance.now() - s);
        });
        child.kill('SIGTERM');
      }),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode != null || child.signalCode != null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
