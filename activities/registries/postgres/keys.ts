import type { AccessContext } from '../../../domain/registries';

/** The idempotency key of a write: the case, plus the operation key when a case makes several such writes. */
export function writeKey(ctx: AccessContext): string {
  return ctx.operationKey ? `${ctx.caseId}#${ctx.operationKey}` : ctx.caseId;
}

/** Random source for identifier serials: floats in [0, 1). Injected so tests and seeds are reproducible. */
export type RandomSource = () => number;
