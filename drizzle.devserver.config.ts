import { defineConfig } from 'drizzle-kit';

// Development-server storage: executions, history, tasks, timers (devserver/storage), visibility (devserver/visibility)
// and schedules (devserver/schedules).
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./devserver/storage/schema.ts', './devserver/visibility/schema.ts', './devserver/schedules/schema.ts'],
  out: './db/migrations/devserver',
});
