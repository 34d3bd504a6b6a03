import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The Temporal sandbox boundary is enforced by lint; these cases prove the rules fire where they must and not elsewhere.
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('determinism boundary lint', () => {
  it('rejects Node built-ins and I/O modules in workflow code', async () => {
    expect(await ruleIds(`import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`, 'workflows/x.ts')).toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds(`import postgres from 'postgres';\nexport const x = postgres;\n`, 'workflows/x.ts')).toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds(`import { Connection } from '@temporalio/client';\nexport const x = Connection;\n`, 'procedures/x.ts')).toContain(
      'no-restricted-imports',
    );
  });

  it('allows activity type imports but not value imports in workflows', async () => {
    expect(
      await ruleIds(`import type { X } from '../activities/agencies/justice';\nexport type Y = X;\n`, 'workflows/x.ts'),
    ).not.toContain('no-restricted-imports');
    expect(
      await ruleIds(`import { createJusticeActivities } from '../activities/agencies/justice';\nexport const y = createJusticeActivities;\n`, 'workflows/x.ts'),
    ).toContain('no-restricted-imports');
  });

  it('keeps the agency list (which names activity code) out of workflow code, its types allowed', async () => {
    expect(await ruleIds(`import { AGENCIES } from '../agencies/index';\nexport const a = AGENCIES;\n`, 'workflows/x.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(`import type { AgencyModule } from '../agencies/agency-module';\nexport type A = AgencyModule;\n`, 'workflows/x.ts')).not.toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds(`import { agencyTaskQueue } from './task-queues';\nexport const q = agencyTaskQueue('tax');\n`, 'workflows/x.ts')).toEqual([]);
  });

  it('rejects wall-clock time, randomness and env access in pure procedure and domain code', async () => {
    expect(await ruleIds(`export const t = Date.now();\n`, 'procedures/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(`export const t = new Date();\n`, 'domain/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(`export const r = Math.random();\n`, 'domain/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(`export const e = process.env.X;\n`, 'workflows/x.ts')).toContain('no-restricted-globals');
  });

  it('keeps the catalog, shared by every workflow of a worker thread, free of module state and of the workflow API', async () => {
    expect(await ruleIds(`let calls = 0;\nexport const count = () => ++calls;\n`, 'procedures/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(`export let current = 'a';\n`, 'domain/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(`import { sleep } from '@temporalio/workflow';\nexport const s = sleep;\n`, 'procedures/x.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(`import { runProcedure } from '../workflows/statechart-runner';\nexport const r = runProcedure;\n`, 'procedures/x.ts')).toContain('no-restricted-imports');
    // State in function scope is each call's own.
    expect(await ruleIds(`export function f() {\n  let n = 0;\n  return ++n;\n}\n`, 'procedures/x.ts')).toEqual([]);
  });

  it('keeps the runner, shared by every workflow of a worker thread too, free of module state; the workflow API it may call', async () => {
    expect(await ruleIds(`let current = null;\nexport const set = (x) => (current = x);\nexport const get = () => current;\n`, 'workflows/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(`export var seen = 0;\n`, 'workflows/x.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(`export function f() {\n  let n = 0;\n  return ++n;\n}\n`, 'workflows/x.ts')).toEqual([]);
    expect(await ruleIds(`import { sleep } from '@temporalio/workflow';\nexport const s = sleep;\n`, 'workflows/x.ts')).toEqual([]);
  });

  it("lets workflow code import the devserver's harness workflows (sandbox code), nothing else of the devserver", async () => {
    expect(await ruleIds(`export { threeActivities } from '../devserver/harness/workflows/three-activities';\n`, 'workflows/x.ts')).toEqual([]);
    expect(await ruleIds(`export { threeActivities } from '../devserver/harness/workflows/three-activities';\n`, 'bench/compare-workflows.ts')).toEqual([]);
    for (const from of ['../devserver/grpc', '../devserver/harness/activities', '../devserver/harness/workflows-path']) {
      expect(await ruleIds(`import { x } from '${from}';\nexport const y = x;\n`, 'workflows/x.ts')).toContain('no-restricted-imports');
    }
    expect(await ruleIds(`export const e = process.env.X;\n`, 'bench/compare-workflows.ts')).toContain('no-restricted-globals');
  });

  it('leaves activity and worker code free to do I/O', async () => {
    expect(await ruleIds(`import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\nexport const t = Date.now();\n`, 'activities/x.ts')).toEqual([]);
  });
});
