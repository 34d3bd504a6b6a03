/**
 * The payload codec that keeps personal data out of workflow histories: every payload a client or worker sends to
 * Temporal is encrypted with AES-256-GCM (node:crypto), as in Temporal's encryption sample. The encrypted payload's
 * metadata names the codec (`encoding: binary/encrypted`) and the key (`encryption-key-id`); its data is
 * iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes) of the original payload, protobuf-encoded. The key id is the
 * authenticated additional data. Key rotation: the keyring's current key encrypts, every key in it decrypts.
 * A payload without this encoding passes through unchanged (histories recorded before encryption still replay).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import protoRoot from '@temporalio/proto';
import type { temporal as T } from '@temporalio/proto';
import type { Keyring } from './keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
// The package is CommonJS without named-export hints: its default export under plain Node ESM (as ops/proto.ts).
const temporal: typeof T = (protoRoot as unknown as { temporal: typeof T }).temporal;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

/** A payload encrypted with a key this process does not hold, or whose ciphertext was altered. */
export class PayloadDecryptionError extends Error {
  readonly code = 'PAYLOAD_DECRYPTION_FAILED';
}

export function isEncryptedPayload(p: Payload): boolean {
  return text(p.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keyring.current();
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(utf8(id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) }, data: new Uint8Array(data) };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!isEncryptedPayload(payload)) return payload;
      const id = text(payload.metadata?.[KEY_ID_METADATA]);
      if (!id) throw new PayloadDecryptionError(`An encrypted payload without "${KEY_ID_METADATA}" metadata`);
      const key = this.keyring.get(id);
      if (!key) throw new PayloadDecryptionError(`No payload key "${id}" here: the payload was encrypted with a key this process was not given`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('An encrypted payload too short to hold its iv and tag');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(utf8(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadDecryptionError(`An encrypted payload (key "${id}") failed authentication: altered, or another key`);
      }
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}
