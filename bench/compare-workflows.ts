/**
 * The SDK contender's workflow tree in bench:compare with the sandbox set up as the engine's worker sets up its own
 * (BENCH_COMPARE_SDK_SANDBOX=engine, the default; bench/three-activities.ts `sdkSandbox`): the tree is preloaded once
 * per workflow thread instead of evaluated for every workflow (worker/agency-worker.ts WORKFLOW_PRELOAD_MODULES), and
 * a stack captured in the sandbox keeps two frames (workflows/stack-trace-depth.ts). The workflow is the harness's own.
 */
import { limitStackFrames } from '../workflows/stack-trace-depth';

limitStackFrames();

export { threeActivities } from '../devserver/harness/workflows/three-activities';
