/**
 * The benches' numeric options from their environment, checked once and alike: a typo'd count is an error that
 * names the variable before anything starts, never a NaN that a loop silently runs zero times.
 */

import { parseWholeNumber } from '../domain/whole-number';

/**
 * The whole number in `env[name]`, or `fallback` when it is unset or empty. Digits only (no sign, exponent or
 * fraction), and at least `min`.
 */
export function wholeNumberEnv(env: Record<string, string | undefined>, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = parseWholeNumber(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
}
