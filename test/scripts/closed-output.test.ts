/**
 * An entry point whose output pipe has closed (its supervisor or bench gone) still stops on SIGTERM. Before
 * scripts/closed-output.ts, the devserver's shutdown line failed with EPIPE, the handler reporting that failure
 * failed the same way, and the process spun at full CPU for ever. Real entry points, real processes.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../devserver/harness/free-port';
import { formatPayloadKeys, generatePayloadKey } from '../../worker/codec/keyring';
import { entryPoints } from '../support/entry-points';

const processes = entryPoints();
const dirs: string[] = [];
afterAll(() => {
  processes.stopAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts `script` with its stdout and stderr piped here; resolves once it printed `readyText`. */
const start = async (script: string, args: string[], readyText: string, env: Record<string, string> = {}): Promise<ChildProcess> =>
  (await processes.start(script, args, readyText, env)).child;

/** Closes the pipes' reading ends, as a reader that has gone, then SIGTERM: resolves with the exit code. */
async function stopWithOutputClosed(child: ChildProcess): Promise<number | null> {
  child.stdout!.destroy();
  child.stderr!.destroy();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timeout = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref());
  const result = await Promise.race([exited, timeout]);
  if (result === 'still running') throw new Error('the process did not stop on SIGTERM with its output closed');
  return result;
}

describe('an entry point with its output pipe closed', () => {
  it('the devserver, an agency worker and the API still stop on SIGTERM, cleanly', async () => {
    const port = await freePort();
    const devserver = await start('devserver/main.ts', ['--port', String(port), '--db', ':memory:'], 'ready at', { DATABASE_URL: '' });
    const dir = mkdtempSync(join(tmpdir(), 'closed-output-'));
    dirs.push(dir);
    const worker = await start('worker/main.ts', ['--agency', 'police'], 'workers running', {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      DATABASE_URL: join(dir, 'registries'),
      PAYLOAD_KEYS: formatPayloadKeys([generatePayloadKey()]),
    });
    const api = await start('scripts/api.ts', [], 'API ready at', {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      DATABASE_URL: join(dir, 'api-registries'),
      PAYLOAD_KEYS: formatPayloadKeys([generatePayloadKey()]),
      PORT: String(await freePort()),
      AUTH_DEV_IDENTITY: 'true',
      IDENTITY_DIR: join(dir, 'identity'),
    });
    expect(await stopWithOutputClosed(api)).toBe(0);
    expect(await stopWithOutputClosed(worker)).toBe(0);
    expect(await stopWithOutputClosed(devserver)).toBe(0);
  }, 180_000);
});
