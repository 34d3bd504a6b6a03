/**
 * Size limits at every door, in one place. Checked before anything is written: the HTTP body (api/), each field of
 * an application or of event data (api/schemas.ts), the encoded size of an event or a data update the case accepts
 * (the workflow's update validators, so nothing oversized enters a history). The devserver refuses gRPC messages
 * over 4 MiB (devserver/index.ts, as a Temporal frontend). Pure constants (the workflow sandbox imports them).
 */
import { CodedError } from './error-codes';

/** Largest HTTP request body the API reads (413 PAYLOAD_TOO_LARGE beyond). */
export const HTTP_BODY_MAX_BYTES = 64 * 1024;
/** Largest value of one application or data field (characters). */
export const FIELD_VALUE_MAX_CHARS = 500;
/** Most fields in one application or data submission. */
export const FIELDS_MAX_COUNT = 100;
/** Largest free-text value in event data, e.g. a refusal reason (characters). */
export const EVENT_TEXT_MAX_CHARS = 2000;
/** Most entries in a list in event data, e.g. the fields a supplement request names. */
export const EVENT_LIST_MAX_ITEMS = 100;
/** Most keys in an event's data. */
export const EVENT_DATA_MAX_KEYS = 20;
/** Largest event or data update a case accepts, as JSON (one history event's payload). */
export const CASE_MESSAGE_MAX_BYTES = 32 * 1024;

/** UTF-8 size of a value's JSON form, without Node built-ins (runs in the workflow sandbox). */
export function jsonSizeBytes(value: unknown): number {
  const text = JSON.stringify(value) ?? '';
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A request body, event or data update beyond these limits; nothing was written. */
export class PayloadTooLargeError extends CodedError {
  constructor(message: string, details?: unknown) {
    super('PAYLOAD_TOO_LARGE', message, details);
  }
}
