/** Validation of the operator pages' form input: one code per condition, shown inline next to its field. */
export const REASON_MAX_LENGTH = 500;

export type ConsoleInputCode = 'REASON_REQUIRED' | 'REASON_TOO_LONG' | 'STATE_REQUIRED' | 'EVENT_REQUIRED' | 'ACTOR_REQUIRED' | 'CONFIRMATION_REQUIRED';

export class ConsoleInputError extends Error {
  constructor(
    readonly code: ConsoleInputCode,
    readonly field: string,
  ) {
    super(`${code} (${field})`);
  }
}
