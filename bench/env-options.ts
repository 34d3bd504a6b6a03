/**
 * The benches' numeric options from their environment, checked once and alike: a typo'd count is an error that
 * names the variable before anything starts, never a NaN that a loop silently runs zero times.
 */

import { parseWholeNumberSetting } from '../domain/whole-number';

/**
 * The whole number in `env[name]`, or `fallback` when it is unset or empty. Digits only (no sign, exponent or
 * fraction), and at least `min`.
 */
export function wholeNumberEnv(env: Record<string, string | undefined>, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  const n = parseWholeNumberSetting(raw);
  if (n === undefined) return fallback;
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
}
