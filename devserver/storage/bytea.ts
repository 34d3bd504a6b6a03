/**
 * The one bytea column type of the devserver's tables (history events, visibility memos).
 * Writes go out as a Buffer (postgres.js needs one; PGlite takes it too); reads come back as a plain
 * Uint8Array view whichever driver produced them, so callers and protobuf decoders see one type.
 */
import { customType } from 'drizzle-orm/pg-core';

export function toBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: toBuffer,
  fromDriver: (v) => (v instanceof Uint8Array ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : v),
});
