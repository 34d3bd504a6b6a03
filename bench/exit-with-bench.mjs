/**
 * Preloaded (`--import`) into every service a bench spawns. Its stdin is a pipe from the bench: the pipe's end
 * means the bench is gone, however it went (a signal to it alone, SIGKILL, a crash), and the service then shuts down
 * as on SIGTERM instead of staying behind holding ports, databases and CPU. The pipe is unreferenced, so it never
 * keeps a service alive that would otherwise exit. (Its output went to the bench too: the services drop what they
 * write to a closed pipe, scripts/closed-output.ts.)
 *
 * Plain JavaScript, and a no-op off the main thread: worker threads (the SDK's workflow threads) inherit the
 * process's `--import`s, and must neither need the TypeScript loader for it nor watch stdin.
 */
import { isMainThread } from 'node:worker_threads';

const GRACE_MS = 30_000;

if (isMainThread && !process.stdin.isTTY) {
  process.stdin.once('end', () => {
    process.kill(process.pid, 'SIGTERM');
    // A service stuck in its shutdown still goes.
    setTimeout(() => process.exit(1), GRACE_MS).unref();
  });
  process.stdin.on('error', () => {});
  process.stdin.resume();
  process.stdin.unref?.();
}
