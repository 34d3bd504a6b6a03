/**
 * bench/services.ts: a service's node flags go on its command line, so a V8 flag that NODE_OPTIONS refuses (as it
 * refuses `--single-threaded-gc`) still reaches it — bench:scale's BENCH_SCALE_DEVSERVER_NODE_OPTIONS relies on it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spawnService } from '../../bench/services';

describe('spawnService', () => {
  it("passes node flags on the service's command line, where NODE_OPTIONS would refuse them", async () => {
    const refused = spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, NODE_OPTIONS: '--single-threaded-gc' }, encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/not allowed in NODE_OPTIONS/);

    const service = await spawnService({
      name: 'flagged',
      script: 'test/bench/fixtures/v8-flag-service.ts',
      nodeArgs: ['--single-threaded-gc', '--max-semi-space-size=32'],
      readyText: 'ready at',
    });
    try {
      const argv = readFileSync(`/proc/${service.pid}/cmdline`, 'utf8').split('\0');
      expect(argv.slice(1, 3)).toEqual(['--single-threaded-gc', '--max-semi-space-size=32']);
      expect(argv).toContain('test/bench/fixtures/v8-flag-service.ts');
    } finally {
      await service.stop();
    }
  }, 60_000);
});
