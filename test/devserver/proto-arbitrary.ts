/**
 * Well-typed random messages from @temporalio/proto's reflection: every field of the request type filled (or not)
 * with nonsense of its own type — strings from a pool of realistic ids and junk, negative and huge numbers,
 * out-of-range enum values, random bytes — nested messages to a bounded depth.
 */
import fc from 'fast-check';


const INT64_EDGES = [0, -1, 1, 2 ** 31 - 1, -(2 ** 31), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];

function scalar(type: string, strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return strings;
    case 'bytes':
      return fc.uint8Array({ maxLength: 64 });
    case 'bool':
      return fc.boolean();
    case 'double':
    case 'float':
      return fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity));
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 2 ** 31 - 1));
    case 'uint32':
    case 'fixed32':
      return fc.nat({ max: 2 ** 32 - 1 });
    default: // 64-bit integers
      return fc.oneof(fc.integer(), fc.constantFrom(...INT64_EDGES));
  }
}

/** An arbitrary plain object for `type` (a protobufjs Type), suitable for `type.fromObject`. */
export function messageArbitrary(type: any, strings: fc.Arbitrary<string>, depth = 3): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fieldsArray as any[]) {
    field.resolve();
    let value: fc.Arbitrary<unknown> | null;
    const resolved = field.resolvedType;
    if (resolved && resolved.values) {
      const known = Object.values(resolved.values as Record<string, number>);
      value = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 1000 }) });
    } else if (resolved) {
      // google.protobuf.Duration / Timestamp: nonsense seconds and nanos too.
      value = depth > 0 ? messageArbitrary(resolved, strings, depth - 1) : null;
    } else value = scalar(field.type, strings);
    if (!value) continue;
    if (field.map) fields[field.name] = fc.dictionary(strings, value, { maxKeys: 2 });
    else if (field.repeated) fields[field.name] = fc.array(value, { maxLength: 2 });
    else fields[field.name] = value;
  }
  return fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
}
