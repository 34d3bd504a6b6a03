/**
 * A process whose stdout or stderr is a pipe gets EPIPE on its next line once the reader has gone (a supervisor or
 * bench killed, `| head`). Unhandled, that error becomes an uncaught exception, and the line that reports it fails
 * the same way: found with a devserver whose bench was killed — it spun at full CPU and never finished the shutdown
 * SIGTERM had started. Entry points install this: output to a closed pipe is dropped (there is nowhere left to
 * report it) and the process goes on, stopping on SIGTERM as usual.
 */
export function dropOutputToClosedPipe(): void {
  const g = globalThis as { __dropOutputToClosedPipe?: boolean };
  if (g.__dropOutputToClosedPipe) return;
  g.__dropOutputToClosedPipe = true;
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
}
