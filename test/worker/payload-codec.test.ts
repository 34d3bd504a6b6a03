/** The payload codec (AES-256-GCM, key id in metadata, rotation) and where its keys come from. */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, ENCRYPTED_ENCODING, isEncryptedPayload, KEY_ID_METADATA, PayloadDecryptionError } from '../../worker/codec/encryption-codec';
import { createKeyring, formatPayloadKeys, generatePayloadKey, keyringFromEnv, PayloadKeysError } from '../../worker/codec/keyring';
import { dataConverterFromEnv, NoPayloadCodecError } from '../../worker/codec/data-converter';

const person = { fullName: 'Trần Thị Bình', personalId: '036196023456' };
const text = (b?: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());

describe('encryption codec', () => {
  it('encrypts with the current key, names it in the metadata, and decrypts to the original payload', async () => {
    const k1 = generatePayloadKey();
    const codec = new EncryptionCodec(createKeyring([k1]));
    const plain = defaultPayloadConverter.toPayload(person)!;
    const [enc] = await codec.encode([plain]);
    expect(isEncryptedPayload(enc)).toBe(true);
    expect(text(enc.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(enc.metadata![KEY_ID_METADATA])).toBe(k1.id);
    expect(Buffer.from(enc.data!).includes(Buffer.from(person.personalId))).toBe(false);
    expect(Buffer.from(enc.data!).includes(Buffer.from('Bình'))).toBe(false);
    const [dec] = await codec.decode([enc]);
    expect(defaultPayloadConverter.fromPayload(dec)).toEqual(person);
    // A fresh iv each time: the same value never encrypts twice alike.
    const [again] = await codec.encode([plain]);
    expect(Buffer.from(again.data!).equals(Buffer.from(enc.data!))).toBe(false);
  });

  it('rotates: the newest key encrypts, every listed key decrypts; a dropped key cannot', async () => {
    const old = generatePayloadKey(new Date('2026-01-01'));
    const [encOld] = await new EncryptionCodec(createKeyring([old])).encode([defaultPayloadConverter.toPayload(person)!]);
    const next = generatePayloadKey(new Date('2026-06-01'));
    const rotated = new EncryptionCodec(createKeyring([next, old]));
    const [encNew] = await rotated.encode([defaultPayloadConverter.toPayload(person)!]);
    expect(text(encNew.metadata![KEY_ID_METADATA])).toBe(next.id);
    expect(defaultPayloadConverter.fromPayload(await rotated.decode([encOld]).then((p) => p[0]))).toEqual(person);
    await expect(new EncryptionCodec(createKeyring([next])).decode([encOld])).rejects.toThrow(PayloadDecryptionError);
  });

  it('passes unencrypted payloads through (histories recorded before encryption) and refuses altered ones', async () => {
    const codec = new EncryptionCodec(createKeyring([generatePayloadKey()]));
    const plain = defaultPayloadConverter.toPayload(person)!;
    expect(await codec.decode([plain])).toEqual([plain]);
    const [enc] = await codec.encode([plain]);
    const altered = { ...enc, data: Uint8Array.from(enc.data!, (b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([altered])).rejects.toThrow(/failed authentication/);
  });
});

describe('payload keys', () => {
  it('creates the default key file once (owner-only), then reuses it; PAYLOAD_KEYS overrides', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys', 'payload-keys.json');
    expect(keyringFromEnv({}, { defaultFile: file })).toBeUndefined();
    const created = keyringFromEnv({}, { defaultFile: file, createIfMissing: true })!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(keyringFromEnv({}, { defaultFile: file })!.current().id).toBe(created.current().id);
    const k = generatePayloadKey();
    expect(keyringFromEnv({ PAYLOAD_KEYS: formatPayloadKeys([k]) }, { defaultFile: file })!.current().id).toBe(k.id);
    expect(keyringFromEnv({ PAYLOAD_KEYS_FILE: file })!.ids()).toEqual([created.current().id]);
  });

  it('refuses bad keys, and a process without keys that must encrypt', () => {
    expect(() => createKeyring([{ id: 'short', key: Buffer.alloc(16) }])).toThrow(PayloadKeysError);
    expect(() => createKeyring([{ id: 'bad id!', key: Buffer.alloc(32) }])).toThrow(PayloadKeysError);
    expect(() => keyringFromEnv({ PAYLOAD_KEYS_FILE: '/nonexistent/keys.json' })).toThrow(/does not exist/);
    expect(() => dataConverterFromEnv({}, 'A worker', { defaultFile: '/nonexistent/keys.json' })).toThrow(NoPayloadCodecError);
  });
});
