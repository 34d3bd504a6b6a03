/**
 * A worker's environment, through the real entry point against a real devserver: WORKER_METRICS_ADDRESS makes it
 * serve the SDK core's Prometheus metrics there, WORKER_MAX_CACHED_WORKFLOWS sizes the engine's workflow cache,
 * WORKER_WORKFLOW_THREADS its workflow threads (two unset), and a malformed value of any stops it at start with the
 * variable named; `npm start` runs its engine worker with the same two settings.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../devserver/harness/free-port';
import { entryPoints } from '../support/entry-points';
import { formatPayloadKeys, generatePayloadKey } from '../../worker/codec/keyring';
import { InvalidWorkerMetricsAddressError, workerMetricsAddress } from '../../worker/worker-metrics';
import { ENGINE_WORKFLOW_THREADS } from '../../worker/agency-worker';
import { engineTuningOptions, InvalidWorkflowCacheSizeError, InvalidWorkflowThreadCountError, workflowCacheSize, workflowThreadCount } from '../../worker/engine-tuning';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const processes = entryPoints();
const start = processes.start;
const dir = mkdtempSync(join(tmpdir(), 'worker-metrics-'));
afterAll(() => {
  processes.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs an entry point to its end with `env` over this process's: its exit code and everything it printed. */
const runToExit = (args: string[], env: Record<string, string>) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, out: stdout + stderr }),
    );
  });

describe("a worker's metrics, workflow cache and workflow threads", () => {
  it('WORKER_MAX_CACHED_WORKFLOWS: 0 or a whole number ≥ 2, unset for the SDK default', () => {
    expect(workflowCacheSize({})).toBeUndefined();
    expect(workflowCacheSize({ WORKER_MAX_CACHED_WORKFLOWS: ' ' })).toBeUndefined();
    expect(workflowCacheSize({ WORKER_MAX_CACHED_WORKFLOWS: '0' })).toBe(0);
    expect(workflowCacheSize({ WORKER_MAX_CACHED_WORKFLOWS: '500' })).toBe(500);
    for (const bad of ['1', '-2', '2.5', 'many', '1e3']) {
      expect(() => workflowCacheSize({ WORKER_MAX_CACHED_WORKFLOWS: bad }), bad).toThrow(InvalidWorkflowCacheSizeError);
    }
  });

  it('WORKER_WORKFLOW_THREADS: a whole number from 1 to 64, unset for the engine default', () => {
    expect(workflowThreadCount({})).toBeUndefined();
    expect(workflowThreadCount({ WORKER_WORKFLOW_THREADS: '' })).toBeUndefined();
    expect(workflowThreadCount({ WORKER_WORKFLOW_THREADS: '1' })).toBe(1);
    expect(workflowThreadCount({ WORKER_WORKFLOW_THREADS: ' 4 ' })).toBe(4);
    expect(workflowThreadCount({ WORKER_WORKFLOW_THREADS: '64' })).toBe(64);
    for (const bad of ['0', '65', '-2', '2.5', '1e1', 'two', '0x2']) {
      expect(() => workflowThreadCount({ WORKER_WORKFLOW_THREADS: bad }), bad).toThrow(InvalidWorkflowThreadCountError);
    }
  });

  it('the engine worker options both set, each left out when unset, a malformed one an error', () => {
    expect(engineTuningOptions({})).toEqual({});
    expect(engineTuningOptions({ WORKER_WORKFLOW_THREADS: '1' })).toEqual({ workflowThreadPoolSize: 1 });
    expect(engineTuningOptions({ WORKER_MAX_CACHED_WORKFLOWS: '500', WORKER_WORKFLOW_THREADS: '3' })).toEqual({ maxCachedWorkflows: 500, workflowThreadPoolSize: 3 });
    expect(() => engineTuningOptions({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toThrow(InvalidWorkflowCacheSizeError);
  });

  it('WORKER_METRICS_ADDRESS: host:port and nothing else', () => {
    expect(workerMetricsAddress({})).toBeUndefined();
    expect(workerMetricsAddress({ WORKER_METRICS_ADDRESS: '' })).toBeUndefined();
    expect(workerMetricsAddress({ WORKER_METRICS_ADDRESS: '127.0.0.1:9464' })).toBe('127.0.0.1:9464');
    expect(workerMetricsAddress({ WORKER_METRICS_ADDRESS: '[::1]:9464' })).toBe('[::1]:9464');
    for (const bad of ['9464', 'localhost', '127.0.0.1:0', '127.0.0.1:70000', 'http://127.0.0.1:9464', '127.0.0.1:94x']) {
      expect(() => workerMetricsAddress({ WORKER_METRICS_ADDRESS: bad }), bad).toThrow(InvalidWorkerMetricsAddressError);
    }
  });

  it("makes the engine worker serve the SDK's Prometheus metrics there, with the cache size and workflow threads asked (two unset); a malformed value stops a worker at start", async () => {
    const port = await freePort();
    await start('devserver/main.ts', ['--port', String(port), '--db', ':memory:'], 'ready at', { DATABASE_URL: '' });
    const env = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, DATABASE_URL: join(dir, 'registries'), PAYLOAD_KEYS: formatPayloadKeys([generatePayloadKey()]) };
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const worker = await start('worker/main.ts', ['--agency', 'engine'], 'workers running', { ...env, WORKER_METRICS_ADDRESS: metricsAddress, WORKER_MAX_CACHED_WORKFLOWS: '50' });
    expect(worker.output()).toContain('workflow cache: 50 workflows');
    expect(ENGINE_WORKFLOW_THREADS).toBe(2);
    expect(worker.output()).toContain(`workflow threads: ${ENGINE_WORKFLOW_THREADS}`);
    expect(worker.output()).toContain(`worker metrics (Prometheus) at http://${metricsAddress}/metrics`);
    const res = await fetch(`http://${metricsAddress}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^temporal_worker_task_slots_available\{[^}]*task_queue="engine"[^}]*worker_type="WorkflowWorker"[^}]*\} \d+/m);
    const oneThread = await start('worker/main.ts', ['--agency', 'engine'], 'workers running', { ...env, DATABASE_URL: join(dir, 'registries-one-thread'), WORKER_WORKFLOW_THREADS: '1' });
    expect(oneThread.output()).toContain('workflow threads: 1');
    expect(oneThread.output()).not.toContain('workflow cache:');

    const fails = (extra: Record<string, string>) => runToExit(['worker/main.ts', '--agency', 'police'], { ...env, ...extra });
    const badAddress = await fails({ WORKER_METRICS_ADDRESS: 'localhost' });
    expect(badAddress.code).toBe(1);
    expect(badAddress.out).toContain('WORKER_METRICS_ADDRESS must be host:port');
    const badCache = await fails({ WORKER_MAX_CACHED_WORKFLOWS: '1' });
    expect(badCache.code).toBe(1);
    expect(badCache.out).toContain('WORKER_MAX_CACHED_WORKFLOWS must be 0');
    const badThreads = await fails({ WORKER_WORKFLOW_THREADS: '0' });
    expect(badThreads.code).toBe(1);
    expect(badThreads.out).toContain('WORKER_WORKFLOW_THREADS must be a whole number from 1 to 64, got "0"');
  }, 180_000);

  it('npm start runs its engine worker with the same settings, and refuses a malformed one', async () => {
    const [port, devserverPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: join(dir, 'start-registries'),
      DEVSERVER_DB: join(dir, 'start-devserver'),
      IDENTITY_DIR: join(dir, 'start-identity'),
      PAYLOAD_KEYS: formatPayloadKeys([generatePayloadKey()]),
      PORT: String(port),
      DEVSERVER_PORT: String(devserverPort),
      SEED_PEOPLE: '200',
      TEMPORAL_ADDRESS: '',
    };
    const stack = await start('scripts/start.ts', [], 'Ctrl-C stops everything', { ...env, WORKER_WORKFLOW_THREADS: '1', WORKER_MAX_CACHED_WORKFLOWS: '40' });
    expect(stack.output()).toContain("Workers      every agency's and the engine's (1 workflow thread, a cache of 40 workflows)");
    stack.child.kill('SIGKILL');

    const refused = await runToExit(['scripts/start.ts'], { ...env, WORKER_WORKFLOW_THREADS: 'two' });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('WORKER_WORKFLOW_THREADS must be a whole number from 1 to 64, got "two"');
  }, 180_000);
});
