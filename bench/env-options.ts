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

/**
 * The comma-separated names in `env[name]` (spaces around them ignored), each one of `known`, in the order given;
 * all of `known` when the variable is unset or empty. An unknown or repeated name is an error naming the variable.
 */
export function nameListEnv<K extends string>(env: Record<string, string | undefined>, name: string, known: readonly K[]): K[] {
  const raw = env[name]?.trim();
  if (!raw) return [...known];
  const names = raw.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`${name}: unknown ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${known.join(', ')})`);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length) throw new Error(`${name}: ${repeated.map((n) => `"${n}"`).join(', ')} named more than once`);
  return names as K[];
}
