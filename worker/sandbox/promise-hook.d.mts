/** Types of worker/sandbox/promise-hook.mjs (plain JavaScript: the workflow threads load it without the TypeScript loader). */
/** Replaces the SDK's promise hook of this thread by the same hook with its functions compiled once per realm; false if the SDK installed none. */
export declare function replaceSdkPromiseHook(): boolean;
