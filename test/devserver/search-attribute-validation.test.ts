/**
 * Search attributes as the Temporal CLI dev server has them: its Custom*Field attributes exist in every
 * namespace (code written against it runs unchanged), and an unregistered attribute is refused
 * INVALID_ARGUMENT naming it — at start, signal-with-start and when a workflow upserts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import protoRoot from '@temporalio/proto';
import { startEnv, uid, waitFor, type TestEnv } from './helpers';

const ET = protoRoot.temporal.api.enums.v1.EventType;
const CAUSE = protoRoot.temporal.api.enums.v1.WorkflowTaskFailedCause;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('sa-validation');
});
afterAll(async () => {
  await env?.close();
});

/** The gRPC status code and the messages of a client error (the client wraps the service error). */
function grpcCode(e: unknown): number | undefined {
  let cur = e as { code?: unknown; cause?: unknown } | undefined;
  for (let i = 0; cur && i < 4; i++, cur = cur.cause as typeof cur) if (typeof cur.code === 'number') return cur.code;
  return undefined;
}
function messages(e: unknown): string {
  const out: string[] = [];
  let cur = e as { message?: unknown; cause?: unknown } | undefined;
  for (let i = 0; cur && i < 4; i++, cur = cur.cause as typeof cur) out.push(String(cur.message));
  return out.join(' / ');
}

describe('search attributes', () => {
  it("the CLI dev server's Custom*Field attributes are registered, and a start using them is listed by them", async () => {
    const listed = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const custom = Object.keys(listed.customAttributes ?? {});
    for (const name of ['CustomKeywordField', 'CustomTextField', 'CustomIntField', 'CustomDoubleField', 'CustomBoolField', 'CustomDatetimeField', 'CustomStringField'])
      expect(custom).toContain(name);
    const marker = uid('kw');
    const h = await env.client.workflow.start('sleeper', {
      taskQueue: env.taskQueue,
      workflowId: uid('sa-custom'),
      args: [1],
      typedSearchAttributes: [
        { key: defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD), value: marker },
        { key: defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT), value: 7 },
        { key: defineSearchAttributeKey('CustomBoolField', SearchAttributeType.BOOL), value: true },
        { key: defineSearchAttributeKey('CustomDatetimeField', SearchAttributeType.DATETIME), value: new Date('2026-01-02T03:04:05Z') },
      ],
    });
    expect(await h.result()).toBe('woke');
    const found = await waitFor(async () => {
      const ids: string[] = [];
      for await (const w of env.client.workflow.list({ query: `CustomKeywordField = '${marker}' AND CustomIntField = 7` })) ids.push(w.workflowId);
      return ids.length ? ids : null;
    });
    expect(found).toEqual([h.workflowId]);
  });

  it('an unregistered attribute at start or signal-with-start is INVALID_ARGUMENT naming it', async () => {
    const start = await env.client.workflow
      .start('sleeper', { taskQueue: env.taskQueue, workflowId: uid('sa-unreg'), args: [1], searchAttributes: { NotRegisteredAnywhere: ['x'] } })
      .catch((e: unknown) => e);
    expect(grpcCode(start)).toBe(3);
    expect(messages(start)).toContain('NotRegisteredAnywhere');
    const sws = await env.client.workflow
      .signalWithStart('signalCounter', {
        taskQueue: env.taskQueue,
        workflowId: uid('sa-unreg-sws'),
        args: [1],
        signal: 'add',
        signalArgs: [1],
        searchAttributes: { AlsoNotRegistered: [1] },
      })
      .catch((e: unknown) => e);
    expect(grpcCode(sws)).toBe(3);
    expect(messages(sws)).toContain('AlsoNotRegistered');
  });

  it('a workflow upserting an unregistered attribute fails its workflow task with BAD_SEARCH_ATTRIBUTES naming it', async () => {
    const h = await env.client.workflow.start('upsertUnregistered', { taskQueue: env.taskQueue, workflowId: uid('sa-upsert') });
    const failed = await waitFor(async () =>
      (await h.fetchHistory()).events!.find((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_FAILED),
    );
    expect(failed.workflowTaskFailedEventAttributes!.cause).toBe(CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES);
    expect(failed.workflowTaskFailedEventAttributes!.failure?.message).toContain('UnregisteredByWorkflow');
    await h.terminate('done');
  });
});
