/**
 * The devserver's harness: workflows (./workflows) and activities (./activities) that exercise the server's
 * protocol, shared by its tests (test/devserver) and its benchmarks (bench/). Not part of the engine.
 */
import { fileURLToPath } from 'node:url';

/** The harness workflows, for `workflowsPath` of an SDK worker. */
export const HARNESS_WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
