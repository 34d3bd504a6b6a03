/**
 * A whole number written as digits only (spaces around allowed), as configuration and command-line counts are: a sign,
 * a fraction, an exponent or anything else gives NaN, for the caller to refuse with its own error. Number() alone
 * would take "", "1e3", "0x10" and " -1 " too.
 */
export function parseWholeNumber(raw: string): number {
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
}
