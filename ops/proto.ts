/**
 * @temporalio/proto through its default export: the package is CommonJS without named-export hints, so
 * `import { temporal } from '@temporalio/proto'` fails under plain Node ESM (tsx), though not under vitest.
 */
import protoRoot from '@temporalio/proto';
import type { temporal as T } from '@temporalio/proto';

export const temporal: typeof T = (protoRoot as unknown as { temporal: typeof T }).temporal;
