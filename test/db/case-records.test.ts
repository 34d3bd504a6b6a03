import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getCaseRecord,
  recordCaseReceived,
  settleCase,
} from '../../db/engine/case-records';
import { openTestDatabase, type TestDatabase } from '../support/registry-helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const received = (caseId: string, over = {}) => ({
  caseId,
  procedureId: 'birth-group',
  procedureVersion: 1,
  applicantId: '036196023456',
  channel: 'vneid' as const,
  receivedAt: '2026-03-09T03:00:00.000Z',
  deadlineAt: '2026-03-12T16:59:59.999Z',
  ...over,
});

describe('case records', () => {
  it('opens a record once and keeps the first version', async () => {
    const a = await recordCaseReceived(t.db, received('c-1', { fieldsReused: 9, fieldsCollected: 4 }));
    const b = await recordCaseReceived(t.db, received('c-1', { fieldsReused: 0 }));
    expect(b).toEqual(a);
    expect(a).toMatchObject({ status: 'received', onTime: null, settledAt: null, fieldsReused: 9, fieldsCollected: 4, electronicResult: false });
  });

  it('settles on time or late against the deadline, once', async () => {
    await recordCaseReceived(t.db, received('c-2', { fieldsReused: 10, fieldsCollected: 3 }));
    const onTime = await settleCase(t.db, { caseId: 'c-2', settledAt: '2026-03-12T16:00:00.000Z', status: 'settled', electronicResult: true });
    expect(onTime).toMatchObject({ status: 'settled', onTime: true, electronicResult: true, fieldsReused: 10 });
    // A retried settle changes nothing.
    const again = await settleCase(t.db, { caseId: 'c-2', settledAt: '2026-03-20T00:00:00.000Z', status: 'rejected', electronicResult: false });
    expect(again).toEqual(onTime);

    await recordCaseReceived(t.db, received('c-3'));
    const late = await settleCase(t.db, { caseId: 'c-3', settledAt: '2026-03-13T01:00:00.000Z', status: 'settled', electronicResult: false });
    expect(late.onTime).toBe(false);
  });

  it('finds no record for an unknown case', async () => {
    expect(await getCaseRecord(t.db, 'nope')).toBeNull();
  });

  it('composes inside a transaction (rolled back together)', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await recordCaseReceived(tx, received('c-tx'));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await getCaseRecord(t.db, 'c-tx')).toBeNull();
  });
});
