import { defineConfig } from 'drizzle-kit';

// Development-server storage: executions, history, tasks, timers (devserver/storage) and visibility (devserver/visibility).
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./devserver/storage/schema.ts', './devserver/visibility/schema.ts'],
  out: './db/migrations/devserver',
});
