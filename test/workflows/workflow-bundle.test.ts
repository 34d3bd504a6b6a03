import { describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/agency-worker';

describe('workflow bundle', () => {
  it('bundles the runner, the catalog, xstate and the holiday calendar for the sandbox', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: undefined });
    expect(code).toContain('runProcedure');
    expect(code).toContain('Hung Kings');
    expect(code).toContain('birthGroup');
  });
});
