/**
 * The real entry points (devserver, workers, API) as child processes for tests: each started with its stdout and
 * stderr piped to the test, ready once it printed its ready line; `stopAll` SIGKILLs what is still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface StartedEntryPoint {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

export function entryPoints() {
  const children: ChildProcess[] = [];
  return {
    /** Starts `node --import tsx <script> ...args`; resolves once it printed `readyText`, rejects if it exits first. */
    async start(script: string, args: string[], readyText: string, env: Record<string, string> = {}): Promise<StartedEntryPoint> {
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      children.push(child);
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script} not ready: ${out}`)), 90_000);
        const onData = (d: Buffer) => {
          out += d.toString();
          if (out.includes(readyText)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${out}`)));
      });
      return { child, output: () => out };
    },
    stopAll(): void {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    },
  };
}
