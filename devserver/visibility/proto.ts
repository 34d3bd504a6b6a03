/**
 * @temporalio/proto through its default export: the package is CommonJS without named-export hints, so
 * `import { temporal } from '@temporalio/proto'` fails under plain Node ESM (tsx), though not under vitest.
 */
export { temporal, type TemporalTypes } from '../proto';
