/**
 * The gRPC-over-HTTP/2 wire format shared by the devserver's server and the bench's lean client: status
 * codes, the length-prefixed message frame, and the percent-encoding of `grpc-message`.
 */

/** gRPC status codes (the wire values). */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const STATUS_NAMES = Object.keys(Status);

/** The name of a status code (UNKNOWN for a code gRPC does not define). */
export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? 'UNKNOWN';
}

/** One message as it goes on the wire: compressed flag 0, 4-byte big-endian length, the bytes. */
export function frameMessage(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/**
 * The one message of a unary call's body, or why there is none: `compressed` is the frame's flag (the
 * `grpc-encoding` header says how).
 */
export function unframeMessage(body: Buffer | null): { payload: Buffer; compressed: boolean } | { error: string } {
  if (body === null || body.length < 5) return { error: 'no message' };
  if (body.length !== 5 + body.readUInt32BE(1)) return { error: 'a unary call must carry exactly one message' };
  return { payload: body.subarray(5), compressed: body[0] !== 0 };
}

/** Percent-encodes a grpc-message as the gRPC spec says: bytes outside printable ASCII, and '%'. */
export function encodeGrpcMessage(message: string): string {
  if (/^[\x20-\x24\x26-\x7e]*$/.test(message)) return message;
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes a percent-encoded grpc-message (left as it is if it is not valid percent-encoding). */
export function decodeGrpcMessage(value: unknown): string {
  if (typeof value !== 'string') return '';
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
