/**
 * A whole number written as digits only (spaces around allowed), as configuration and command-line counts are: a sign,
 * a fraction, an exponent or anything else gives NaN, for the caller to refuse with its own error. Number() alone
 * would take "", "1e3", "0x10" and " -1 " too.
 */
export function parseWholeNumber(raw: string): number {
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
}

/**
 * A whole-number setting from the environment: undefined when it is unset or blank (the caller's default), else
 * what parseWholeNumber reads (NaN for the caller to refuse, naming its variable).
 */
export function parseWholeNumberSetting(raw: string | undefined): number | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : parseWholeNumber(raw);
}
