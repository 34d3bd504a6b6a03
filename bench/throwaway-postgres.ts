/**
 * A throwaway Postgres cluster for the fault campaign and the statement census (never the machine's shared one):
 * initdb into a temporary directory, pg_ctl on a random loopback port, as the `postgres` OS user when we are root
 * (Postgres refuses to run as root). `settings` are server settings given at start (e.g. a library preloaded, which
 * the shared server cannot take without a restart). `restart()` stops it the hard way (immediate mode: no
 * checkpoint, like a crash) and starts it again.
 * pg_ctl leaves the server running on its own, so a reaper goes with it: a small detached process that stops the
 * cluster and removes its directory once the process that started it is gone, however it went (a SIGKILL included).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../devserver/harness/free-port';

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/<db> */
  url(db?: string): string;
  port: number;
  /** The temporary directory holding the cluster (removed by `stop()`, or by the reaper). */
  dir: string;
  /** Immediate stop (no checkpoint, connections cut) and start again; resolves when it accepts connections. */
  restart(): void;
  stop(): void;
}

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error('no Postgres server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)');
  return join(base, versions.sort((a, b) => Number(b) - Number(a))[0]!, 'bin');
}

/** The reaper (`node -e`, argv[1] its JSON arguments): watches its owner twice a second, a zombie counting as gone. */
const REAPER = `
const { execFileSync } = require('node:child_process');
const { readFileSync, rmSync } = require('node:fs');
const [owner, pgCtl, data, dir, asRoot] = JSON.parse(process.argv[1]);
const gone = () => {
  try { return readFileSync('/proc/' + owner + '/stat', 'utf8').split(') ')[1][0] === 'Z'; } catch { return true; }
};
setInterval(() => {
  if (!gone()) return;
  const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
  try {
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', pgCtl, ...args], { stdio: 'ignore', cwd: dir });
    else execFileSync(pgCtl, args, { stdio: 'ignore', cwd: dir });
  } catch {}
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}, 500);
`;

export async function startThrowawayPostgres(settings: Readonly<Record<string, string>> = {}): Promise<ThrowawayPostgres> {
  const extra = Object.entries(settings).map(([k, v]) => {
    if (!/^[a-z_.]+$/.test(k) || !/^[\w.,-]+$/.test(v)) throw new Error(`throwaway Postgres: a setting it cannot pass on its command line: ${k}=${v}`);
    return ` -c ${k}=${v}`;
  });
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'throwaway-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  /** Runs a Postgres binary, as the postgres user when we are root. */
  const run = (tool: string, args: string[]) => {
    const cmd = join(bin, tool);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    else execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200${extra.join('')}`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  start();
  // Its own process group, so a Ctrl-C to the bench's group does not take it before it has stopped the cluster.
  const reaper = spawn(process.execPath, ['-e', REAPER, JSON.stringify([process.pid, join(bin, 'pg_ctl'), data, dir, asRoot])], { detached: true, stdio: 'ignore' });
  reaper.unref();
  return {
    port,
    dir,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    restart() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      start();
    },
    stop() {
      reaper.kill('SIGKILL');
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already down */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
