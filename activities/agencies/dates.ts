/** Calendar-day arithmetic on ISO dates (yyyy-mm-dd). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Whole years from `from` to `on` (age). */
export function yearsBetween(from: string, on: string): number {
  let years = Number(on.slice(0, 4)) - Number(from.slice(0, 4));
  if (on.slice(5) < from.slice(5)) years--;
  return years;
}
