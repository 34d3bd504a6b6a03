/**
 * Shared settings of the property-based (fuzz) suites: a fixed default seed so `npm test` is reproducible, and a
 * bounded number of runs; `FUZZ_RUNS=5000 FUZZ_SEED=123 npx vitest run fuzz` runs longer or elsewhere.
 * A failing run prints its seed and counterexample: keep it as a named regression case in the suite.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 19_2026);

/** `defaultRuns` unless FUZZ_RUNS asks for more (or fewer). */
export function fuzzRuns(defaultRuns: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : defaultRuns;
}

/** fast-check parameters for one property. */
export const fuzzParams = (defaultRuns: number) => ({ seed: FUZZ_SEED, numRuns: fuzzRuns(defaultRuns), endOnFailure: true });

/** Rejects when `p` has not settled within `ms` (a hang is a failure, not a slow test). */
export async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
