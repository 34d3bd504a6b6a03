/**
 * The audit wrapper: records every registry call — read or write, whose data, which fields, the outcome, and the
 * access context (procedure, case, agency, purpose, legal basis, actor) — for any implementation, including an
 * agency's own HTTP adapter. Decree 13/2023 / Law 91/2025: log every access to personal data.
 *
 * The entry is written before the result is handed back; if the audit sink fails, the call fails too (no
 * unaudited data movement). With an `atomic` scope (the engine's Postgres registries: postgres/atomic.ts) a write
 * and its entry commit in one transaction: a registry write is never without its entry, nor an entry without its
 * write. A write that fails is rolled back and then recorded (outcome `error`) on its own. A read runs outside any
 * transaction and its entry is committed before its result is returned.
 */
import type { AccessContext, AuditEntry, AuditSink, RegistryName, Registries } from '../../domain/registries';
import { registryCallErrors, registryCallSeconds } from './metrics';

/**
 * What the audit needs to know of each registry, declared once per registry (not per method): every method of an
 * adapter is wrapped. A method named `get…` or `find…` reads: its subject is the id it is given, its fields those
 * the caller asked for (`ctx.fields`) or else the attributes of the record it names. Any other method writes: its
 * fields are the keys of its input, its subject the first of `subjects` in the input (or the `personalId` of what
 * it created); a write given an id alone sets `setsById`.
 */
interface RegistryAudit {
  /** Attributes of each kind of record the registry returns, by the word its reads name it with (`findDeathOf`: Death). */
  records: Record<string, readonly string[]>;
  /** Input attributes that name whose data a write moves, in order of preference. */
  subjects: readonly string[];
  setsById?: readonly string[];
}

const PERSON = ['personalId', 'fullName', 'dateOfBirth', 'sex', 'ethnicity', 'nationality', 'homeTown', 'placeOfBirth', 'fatherId', 'motherId', 'deceased'];
const REGISTRY_AUDIT: { readonly [K in RegistryName]: RegistryAudit } = {
  // A search by parent (findChildrenOf): the subject is the parent; the fields are those of the children returned.
  population: { records: { Person: PERSON }, subjects: [], setsById: ['deceased'] },
  civilStatus: {
    records: {
      Birth: ['registerBook', 'year', 'entryNumber', 'certificateNumber', 'childId', 'registeredAt', 'communeCode'],
      Death: ['registerBook', 'year', 'entryNumber', 'certificateNumber', 'deceasedId', 'dateOfDeath', 'placeOfDeath', 'cause', 'registeredAt'],
      Marriage: ['registerBook', 'year', 'entryNumber', 'certificateNumber', 'partyAId', 'partyBId', 'registeredAt'],
    },
    subjects: ['childId', 'deceasedId', 'partyAId'],
  },
  residence: { records: { Household: ['householdId', 'headId', 'address', 'members'] }, subjects: ['personalId'] },
  socialInsurance: {
    records: {
      Card: ['cardNumber', 'socialInsuranceNumber', 'personalId', 'validFrom', 'validTo', 'beneficiaryGroup'],
      Contribution: ['compulsoryMonths', 'averageMonthlySalary', 'pensioner', 'pensionSince'],
      Payment: ['paymentRef', 'kind', 'subjectId', 'beneficiaryId', 'amount', 'paidAt'],
    },
    subjects: ['personalId', 'beneficiaryId'],
  },
  judicialRecords: { records: { Conviction: ['judgmentRef', 'court', 'date', 'offence', 'sentence', 'expunged'] }, subjects: ['personalId'] },
  tax: { records: { HouseholdBusiness: ['taxCode', 'ownerId', 'businessName', 'businessLine', 'communeCode', 'startDate'] }, subjects: ['ownerId'] },
  employment: { records: { Employment: ['lastEmployer', 'contractEndedAt', 'unemploymentInsuranceMonths', 'averageMonthlySalary'] }, subjects: ['personalId'] },
};

export class UndeclaredRecordError extends Error {
  readonly code = 'UNDECLARED_RECORD';
  constructor(registry: string, operation: string) {
    super(`${registry}.${operation} reads a record the audit does not know: name it after one of the records declared for ${registry}`);
  }
}

/** Attributes a read returns: the registry's one kind of record, or the one its name says. */
function recordFields(registry: RegistryName, operation: string): readonly string[] {
  const records = Object.entries(REGISTRY_AUDIT[registry].records);
  if (records.length === 1) return records[0][1];
  const named = records.find(([word]) => operation.includes(word));
  if (!named) throw new UndeclaredRecordError(registry, operation);
  return named[1];
}

interface CallAudit {
  kind: 'read' | 'write';
  fields: readonly string[];
  subjectBefore: string | null;
  subjectAfter(result: unknown): string | null;
}

function callAudit(registry: RegistryName, operation: string, ctx: AccessContext, arg: unknown): CallAudit {
  const declared = REGISTRY_AUDIT[registry];
  if (/^(get|find)[A-Z]/.test(operation)) {
    const subject = typeof arg === 'string' ? arg : null;
    return { kind: 'read', fields: ctx.fields ?? recordFields(registry, operation), subjectBefore: subject, subjectAfter: () => subject };
  }
  if (typeof arg === 'string') return { kind: 'write', fields: declared.setsById ?? [], subjectBefore: arg, subjectAfter: () => arg };
  const input = (arg ?? {}) as Record<string, unknown>;
  const key = declared.subjects.find((k) => typeof input[k] === 'string');
  const before = key ? (input[key] as string) : null;
  return {
    kind: 'write',
    fields: Object.keys(input),
    subjectBefore: before,
    // A write that creates the person (population.createPerson): the subject is the one created.
    subjectAfter: (result) => before ?? ((result as { personalId?: unknown }).personalId as string | undefined) ?? null,
  };
}

/** Runs a registry call and its audit entry in one transaction, with registries and a sink bound to it. */
export interface AtomicAuditScope {
  run<T>(work: (registries: Registries, sink: AuditSink) => Promise<T>): Promise<T>;
}

export function auditRegistries(registries: Registries, sink: AuditSink, clock: () => Date, atomic?: AtomicAuditScope): Registries {
  async function audited(ctx: AccessContext, registry: RegistryName, operation: string, arg: unknown): Promise<unknown> {
    const call = callAudit(registry, operation, ctx, arg);
    const entry = (outcome: AuditEntry['outcome'], subjectId: string | null): AuditEntry => ({
      at: clock().toISOString(),
      registry,
      operation,
      kind: call.kind,
      subjectId,
      fields: [...call.fields],
      outcome,
      ctx: stripCtx(ctx),
    });
    const callAndRecord = async (r: Registries, s: AuditSink) => {
      const adapter = r[registry] as unknown as Record<string, (ctx: AccessContext, arg: unknown) => Promise<unknown>>;
      const result = await adapter[operation](ctx, arg);
      await s.record(entry(result == null ? 'not_found' : 'ok', result == null ? call.subjectBefore : call.subjectAfter(result)));
      return result;
    };
    let result: unknown;
    const stopTimer = registryCallSeconds.startTimer({ registry, operation });
    try {
      // A write commits with its entry; a read needs no transaction of its own (two statements fewer per read):
      // its entry is committed before the result is handed back, and a failed entry fails the call.
      result = atomic && call.kind === 'write' ? await atomic.run(callAndRecord) : await callAndRecord(registries, sink);
    } catch (e) {
      stopTimer({ outcome: 'error' });
      registryCallErrors.inc({ registry, operation });
      await sink.record(entry('error', call.subjectBefore));
      throw e;
    }
    stopTimer({ outcome: result == null ? 'not_found' : 'ok' });
    return result;
  }

  // Every method of every adapter given, wrapped on access: no method can move data unaudited.
  const wrap = (registry: RegistryName, adapter: object) =>
    new Proxy(adapter, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (ctx: AccessContext, arg: unknown) => audited(ctx, registry, prop, arg);
      },
    });
  const out: Partial<Registries> = {};
  for (const name of Object.keys(REGISTRY_AUDIT) as RegistryName[]) {
    const adapter = registries[name];
    if (adapter) Object.assign(out, { [name]: wrap(name, adapter) });
  }
  return out as Registries;
}

/** The audit keeps the context's accountability fields only. */
function stripCtx(ctx: AccessContext): AccessContext {
  const { procedureId, procedureVersion, caseId, agency, purpose, legalBasis, actor, decidedBy } = ctx;
  return { procedureId, procedureVersion, caseId, agency, purpose, legalBasis, actor, ...(decidedBy ? { decidedBy } : {}) };
}

/** An in-process sink (for tests and tools); production uses createPostgresAuditSink. */
export function createMemoryAuditSink(): AuditSink & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async record(entry) {
      entries.push(entry);
    },
  };
}
