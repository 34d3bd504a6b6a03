/**
 * Stacks captured in the workflow sandbox keep WORKFLOW_STACK_FRAMES frames (workflows/stack-trace-depth.ts), on
 * the real SDK worker and the devserver: the error a refused event raises in the workflow's update validator comes
 * back to the client with that many source-mapped frames, and the SDK's stack-trace query of a waiting case (the
 * stacks its promise hook captured for the workflow's pending promises) still says where the case waits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { EnhancedStackTrace } from '@temporalio/workflow';
import { caseWorkflowId, startCase } from '../../workflows/case-client';
import { sendEventUpdate } from '../../workflows/definitions';
import { WORKFLOW_STACK_FRAMES } from '../../workflows/stack-trace-depth';
import { birthApplication, inState, officers, startHarness, waitForCase, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const framesOf = (stack: string | undefined) => (stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));

describe('stack depth in the workflow sandbox', () => {
  it('an error raised in workflow code keeps WORKFLOW_STACK_FRAMES source-mapped frames; the stack-trace query still names where a case waits', async () => {
    const caseId = 'stack-depth';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication('Lê Văn Ngắn') } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    const handle = h.client.workflow.getHandle(caseWorkflowId(caseId));

    const refused = await handle
      .executeUpdate(sendEventUpdate, { args: [{ event: { type: 'NOT_AN_EVENT', actor: officers.justice } }] })
      .then(() => null, (err: unknown) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refused as WorkflowUpdateFailedError).cause;
    const frames = framesOf(cause?.stack);
    expect(frames).toHaveLength(WORKFLOW_STACK_FRAMES);
    expect(frames.some((f) => /\/workflows\/case-handlers\.ts:\d+:\d+\)$/.test(f))).toBe(true); // where it was raised, source-mapped

    const enhanced = await handle.query<EnhancedStackTrace>('__enhanced_stack_trace');
    const locations = enhanced.stacks.flatMap((s) => s.locations);
    expect(locations).toContainEqual(expect.objectContaining({ function_name: 'runProcedure', file_path: expect.stringMatching(/workflows\/statechart-runner\.ts$/) }));
    for (const s of enhanced.stacks) expect(s.locations.length).toBeLessThanOrEqual(WORKFLOW_STACK_FRAMES);
  });
});
