/** Errors of the designer toolkit, each with a stable `code`. */
export class DesignerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class UnknownDiagramFormatError extends DesignerError {
  constructor(format: string) {
    super('UNKNOWN_DIAGRAM_FORMAT', `Unknown diagram format "${format}": use mermaid or svg`);
  }
}

export class LockConflictError extends DesignerError {
  constructor(readonly conflicts: string[]) {
    super('LOCK_CONFLICT', `Refusing to change the fingerprint of a locked version:\n  ${conflicts.join('\n  ')}`);
  }
}

export class InvalidLockFileError extends DesignerError {
  constructor(path: string, why: string) {
    super('INVALID_LOCK_FILE', `${path} is not a valid procedures lock file: ${why}`);
  }
}

export class NoSimulationInputError extends DesignerError {
  constructor(procedureId: string) {
    super('NO_SIMULATION_INPUT', `No simulation input for procedure "${procedureId}": declare \`simulation\` in its folder (procedures/${procedureId}/simulation.ts)`);
  }
}

export class SimulationMismatchError extends DesignerError {
  constructor(message: string) {
    super('SIMULATION_MISMATCH', message);
  }
}

export { UsageError } from '../domain/error-codes';
