import { defineConfig } from 'drizzle-kit';

// State registries (population, civil status, residence, social insurance) and the engine's own tables (audit, cases).
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./db/registries/schema.ts', './db/engine/schema.ts', './db/engine/read-model-schema.ts'],
  out: './db/migrations/registries',
});
