/**
 * How many frames a stack captured in the workflow sandbox keeps: V8's `Error.stackTraceLimit` of the sandbox's own
 * realm (Node's default is 10), set by the bundle's entry (workflows/index.ts) when it is evaluated, before the SDK
 * freezes the sandbox's globals (the tree is preloaded once per workflow thread: worker/agency-worker.ts
 * WORKFLOW_PRELOAD_MODULES). Importing this module changes nothing: Node-side code (tests) reads the constant.
 *
 * Why: the SDK's promise hook captures a stack for every promise created in workflow code (for its `__stack_trace`
 * query) and looks each frame up in the bundle's source map. At ten frames that was a fifth to a quarter of the CPU of
 * replaying a whole birth case (bench:replay, docs/performance.md "Two frames per stack in the workflow sandbox"),
 * paid again on every activation of every case. Two frames keep what an operator needs of an error raised in
 * workflow code, source-mapped: where it was raised and its caller (for `ApplicationFailure.create`, the SDK's frame
 * and ours). The stack-trace query still names the line a case waits on; no tool of ours reads deeper stacks.
 */
export const WORKFLOW_STACK_FRAMES = 2;

/**
 * Sets the limit for the realm this runs in: called once, by the bundle's entry, inside the sandbox. A bundle that is
 * not preloaded (the replay tools', a test's own workflow tree) is evaluated per workflow, after the SDK froze the
 * sandbox's globals: there `Error` can no longer change, and its stacks keep the default.
 */
export function limitStackFrames(): void {
  if (Object.isFrozen(Error)) return;
  Error.stackTraceLimit = WORKFLOW_STACK_FRAMES;
}
