/**
 * The devserver's Prometheus metrics (`--metrics-port`, devserver/metrics.ts), from the process as `npm run
 * devserver` runs it: calls and errors per operation under the Temporal server's names, a latency histogram, the
 * process's own metrics; JSON errors off the one route; a bad port refused at start.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { devServerCounts, spawnDevServer, type DevServerProcess } from '../../bench/devserver-process';
import { requestCounts } from '../../devserver/metrics';
import { grpcCode } from './helpers';

let server: DevServerProcess;
let connection: Connection;
beforeAll(async () => {
  server = await spawnDevServer(':memory:', undefined, { metrics: true });
  connection = await Connection.connect({ address: server.address });
}, 120_000);
afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

describe('devserver metrics', () => {
  it('counts calls and errors per operation, with their latency', async () => {
    const before = await devServerCounts(server);
    const svc = connection.workflowService;
    await svc.startWorkflowExecution({ namespace: 'default', workflowId: 'metrics-wf', workflowType: { name: 'x' }, taskQueue: { name: 'metrics-q' }, requestId: 'metrics-r1' });
    expect((await grpcCode(svc.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'no-such-workflow' } }))).code).toBe(5);

    const after = await devServerCounts(server);
    const delta = (op: string) => (after.calls.get(op) ?? 0) - (before.calls.get(op) ?? 0);
    expect(delta('StartWorkflowExecution')).toBe(1);
    expect(delta('DescribeWorkflowExecution')).toBe(1);
    // The start wrote its run once, in one commit; the failed describe wrote nothing.
    expect(after.writes - before.writes).toBe(1);
    expect(after.commits - before.commits).toBe(1);

    const text = await (await fetch(server.metricsUrl!)).text();
    expect(text).toMatch(/^service_errors\{operation="DescribeWorkflowExecution"\} 1$/m);
    expect(text).not.toMatch(/^service_errors\{operation="StartWorkflowExecution"\}/m);
    expect(text).toMatch(/^service_latency_count\{operation="StartWorkflowExecution"\} 1$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('answers JSON errors off /metrics and for other methods', async () => {
    const base = new URL(server.metricsUrl!);
    const other = await fetch(new URL('/other', base));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    const post = await fetch(base, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('refuses a metrics port that is not a port number, before serving anything', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'devserver/main.ts', '--db', ':memory:', '--port', '0', '--metrics-port', 'abc'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--metrics-port: "abc" is not a port number');
    expect(run.stdout).not.toContain('ready at');
  });

  it('refuses a run cache size that is not a whole number of runs, before serving anything', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    for (const bad of ['0', '-5', '1e3', 'many']) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'devserver/main.ts', '--db', ':memory:', '--port', '0', `--run-cache-runs=${bad}`], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`--run-cache-runs: "${bad}" is not a number of runs`);
      expect(run.stdout).not.toContain('ready at');
    }
  });

  it('counts the run cache\'s reads and misses; --run-cache-runs bounds the runs it keeps', async () => {
    const small = await spawnDevServer(':memory:', undefined, { metrics: true, args: ['--run-cache-runs', '2'] });
    const smallConnection = await Connection.connect({ address: small.address });
    try {
      for (const [d, conn] of [[server, connection], [small, smallConnection]] as const) {
        for (const id of ['cache-1', 'cache-2', 'cache-3']) {
          await conn.workflowService.startWorkflowExecution({ namespace: 'default', workflowId: id, workflowType: { name: 'x' }, taskQueue: { name: 'metrics-cache-q' }, requestId: `${id}-r` });
        }
        const describe = async (workflowId: string) => {
          const before = await devServerCounts(d);
          await conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
          const after = await devServerCounts(d);
          const delta = (m: 'cacheReads' | 'cacheMisses') => (after[m]?.get('RunState') ?? 0) - (before[m]?.get('RunState') ?? 0);
          return { reads: delta('cacheReads'), misses: delta('cacheMisses') };
        };
        // The newest run is kept either way; the first of three only where the cache holds more than two runs.
        expect(await describe('cache-3')).toEqual({ reads: 1, misses: 0 });
        expect(await describe('cache-1')).toEqual({ reads: 1, misses: d === small ? 1 : 0 });
      }
      const text = await (await fetch(small.metricsUrl!)).text();
      expect(text).toMatch(/^cache_miss\{operation="RunState"\} [1-9]\d*$/m);
      expect(text).toMatch(/^cache_requests\{operation="HistoryEvents"\} \d+$/m);
    } finally {
      await smallConnection.close();
      await small.stop();
    }
  });

  it('counts commits apart from the writes they carry when starts arrive together', async () => {
    const before = await devServerCounts(server);
    const svc = connection.workflowService;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        svc.startWorkflowExecution({ namespace: 'default', workflowId: `metrics-batch-${i}`, workflowType: { name: 'x' }, taskQueue: { name: 'metrics-q' }, requestId: `metrics-b${i}` }),
      ),
    );
    const after = await devServerCounts(server);
    expect(after.writes - before.writes).toBe(20);
    expect(after.commits - before.commits).toBeGreaterThanOrEqual(1);
    expect(after.commits - before.commits).toBeLessThanOrEqual(20);
    const text = await (await fetch(server.metricsUrl!)).text();
    expect(text).toMatch(/^persistence_requests\{operation="ApplyWrites"\} \d+$/m);
  });

  it('reads the counts of a scrape', () => {
    const counts = requestCounts('# HELP service_requests x\nservice_requests{operation="PollWorkflowTaskQueue"} 12\nservice_requests{operation="StartWorkflowExecution"} 3\nservice_errors{operation="X"} 1\n');
    expect([...counts]).toEqual([['PollWorkflowTaskQueue', 12], ['StartWorkflowExecution', 3]]);
  });
});
