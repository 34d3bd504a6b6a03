/**
 * The DBOS twin of `threeActivities` that `npm run bench:compare` measures: a DBOS workflow of three checkpointed
 * steps, durable in Postgres. DBOS runs only on a Postgres server, so this test uses the server of DATABASE_URL,
 * else the local one (CI starts it for every run), in a database of its own.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { withDatabaseName } from '../../db/connection';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchDbos, runDbosWorkflow, shutdownDbos } from '../../bench/compare-dbos';
import { expectedThreeActivities } from '../../bench/three-activities';

const SERVER = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `test_dbos_${randomUUID().slice(0, 8)}`;
const admin = postgres(SERVER, { max: 1, onnotice: () => {} });

describe('bench:compare — the DBOS workflow', () => {
  beforeAll(async () => {
    await admin.unsafe(`create database ${name}`);
    await launchDbos(withDatabaseName(SERVER, name));
  });
  afterAll(async () => {
    await shutdownDbos();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('returns what threeActivities returns, after three steps checkpointed in Postgres', async () => {
    const id = `wf-${randomUUID()}`;
    const result = await runDbosWorkflow(id, 'x');
    expect(JSON.stringify(result)).toBe(expectedThreeActivities('x'));

    const steps = await DBOS.listWorkflowSteps(id);
    expect(steps?.map((s) => [s.name, s.output])).toEqual([
      ['echo', 'x-0'],
      ['echo', 'x-1'],
      ['echo', 'x-2'],
    ]);
    expect((await DBOS.getWorkflowStatus(id))?.status).toBe('SUCCESS');

    // Started again with the same id, it is not run again: DBOS answers from its checkpoint.
    expect(await runDbosWorkflow(id, 'x')).toEqual(result);
    expect(await DBOS.listWorkflowSteps(id)).toHaveLength(3);
  });
});
