/**
 * The benchmarks' `threeActivities` workflow on DBOS Transact, written as DBOS documents it: a registered
 * workflow calling three registered steps in sequence, checkpointed in Postgres (its system database).
 */
import { DBOS } from '@dbos-inc/dbos-sdk';

async function echo(s: string): Promise<string> {
  return s;
}
const echoStep = DBOS.registerStep(echo, { name: 'echo' });

async function threeActivities(x: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 3; i++) out.push(await echoStep(`${x}-${i}`));
  return out;
}
export const threeActivitiesWorkflow = DBOS.registerWorkflow(threeActivities, { name: 'threeActivities' });

/** Launches DBOS on `systemDatabaseUrl` (it creates its schema there); nothing leaves this machine. */
export async function launchDbos(systemDatabaseUrl: string): Promise<void> {
  DBOS.setConfig({ name: 'bench-compare', systemDatabaseUrl, logLevel: 'error', enableOTLP: false });
  await DBOS.launch();
}

/** Starts the workflow with id `workflowId` and waits for its result. */
export async function runDbosWorkflow(workflowId: string, x: string): Promise<string[]> {
  const handle = await DBOS.startWorkflow(threeActivitiesWorkflow, { workflowID: workflowId })(x);
  return handle.getResult();
}

export const shutdownDbos = () => DBOS.shutdown();
