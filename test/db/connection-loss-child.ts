/**
 * A child process for test/db/connection-loss.test.ts: with the entry points' handler installed, it keeps
 * queries in flight on a Postgres pool (or raises the error named by argv[2]) and prints what it sees.
 */
import postgres from 'postgres';
import { surviveConnectionLoss } from '../../db/connection-loss';
import { setTimeout as sleep } from 'node:timers/promises';

surviveConnectionLoss('child', (m) => console.log(m));
const mode = process.argv[2];
if (mode === 'reset-rejection') {
  void Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
  setTimeout(() => console.log('alive'), 200);
} else if (mode === 'bug-rejection') {
  void Promise.reject(new Error('a real bug'));
  setTimeout(() => console.log('alive'), 200);
} else {
  const sql = postgres(mode!, { max: 8, onnotice: () => {}, connect_timeout: 2 });
  let ok = 0;
  const loop = async () => {
    for (;;) {
      try {
        await sql`select pg_sleep(0.02)`;
        if (++ok % 20 === 0) console.log(`ok ${ok}`);
      } catch {
        await sleep(50);
      }
    }
  };
  for (let i = 0; i < 8; i++) void loop();
}
