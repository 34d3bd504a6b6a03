import { describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import { engineBundleOptions, WORKFLOW_PRELOAD_MODULES, WORKFLOWS_PATH } from '../../worker/agency-worker';

describe('workflow bundle', () => {
  it('bundles the runner, the catalog, xstate and the holiday calendar for the sandbox', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: undefined });
    expect(code).toContain('runProcedure');
    expect(code).toContain('Hung Kings');
    expect(code).toContain('birthGroup');
  });

  it('preloads the whole workflow tree once per worker thread, only for the engine’s own workflows, so no module is evaluated per workflow', async () => {
    expect(engineBundleOptions()).toEqual({ workflowsPath: WORKFLOWS_PATH, preloadModules: [...WORKFLOW_PRELOAD_MODULES] });
    expect(engineBundleOptions('/elsewhere/workflows.ts')).toEqual({ workflowsPath: '/elsewhere/workflows.ts' });
    const { code } = await bundleWorkflowCode({ ...engineBundleOptions(), logger: undefined });
    const preload = /preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    expect(preload).toMatch(/__webpack_require__\([^)]*workflows\/index\.ts/);
    const importWorkflows = /importWorkflows = function importWorkflows\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    expect(importWorkflows).toMatch(/__webpack_require__\([^)]*workflows\/index\.ts/);
  });
});
