/**
 * Payload encryption keys (AES-256: 32 bytes each) and where they come from. A keyring holds every key that may
 * still decrypt, newest first: the first encrypts. Sources:
 *  - `PAYLOAD_KEYS`: `id:base64key[,id:base64key…]` (newest first), e.g. from a secret store injected as env;
 *  - `PAYLOAD_KEYS_FILE`: a JSON file `{ "keys": [{ "id", "key" (base64), "createdAt"? }] }` (newest first);
 *  - the embedded default (`npm start`): `.data/keys/payload-keys.json`, created on first start (mode 0600);
 *  - in production, any `KeyProvider` (a KMS, Vault…): `keyringFromProvider(provider)` (docs/encryption.md).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface PayloadKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** The key that encrypts. */
  current(): PayloadKey;
  /** Any key that may decrypt, by id. */
  get(id: string): Buffer | undefined;
  ids(): string[];
}

/** The production hook: a key-management service that hands out the keys (newest first). */
export interface KeyProvider {
  keys(): Promise<PayloadKey[]>;
}

export class PayloadKeysError extends Error {
  readonly code = 'PAYLOAD_KEYS_INVALID';
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function createKeyring(keys: readonly PayloadKey[]): Keyring {
  if (keys.length === 0) throw new PayloadKeysError('A payload keyring needs at least one key');
  const byId = new Map<string, Buffer>();
  for (const k of keys) {
    if (!KEY_ID.test(k.id)) throw new PayloadKeysError(`Payload key id "${k.id}" must be 1–64 letters, digits, ".", "_" or "-"`);
    if (k.key.length !== 32) throw new PayloadKeysError(`Payload key "${k.id}" must be 32 bytes (AES-256), got ${k.key.length}`);
    if (byId.has(k.id)) throw new PayloadKeysError(`Payload key id "${k.id}" appears twice`);
    byId.set(k.id, k.key);
  }
  const current = keys[0];
  return { current: () => current, get: (id) => byId.get(id), ids: () => [...byId.keys()] };
}

export async function keyringFromProvider(provider: KeyProvider): Promise<Keyring> {
  return createKeyring(await provider.keys());
}

/** A new random key with a dated id. */
export function generatePayloadKey(now: Date = new Date()): PayloadKey {
  return { id: `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`, key: randomBytes(32) };
}

/** `id:base64,id:base64` → keys (newest first). */
export function parsePayloadKeys(spec: string): PayloadKey[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      if (i <= 0) throw new PayloadKeysError('PAYLOAD_KEYS entries are id:base64key, separated by commas');
      return { id: entry.slice(0, i), key: Buffer.from(entry.slice(i + 1), 'base64') };
    });
}

export function formatPayloadKeys(keys: readonly PayloadKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

interface KeyFile {
  keys: { id: string; key: string; createdAt?: string }[];
}

export function readKeyFile(path: string): PayloadKey[] {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch (e) {
    throw new PayloadKeysError(`Cannot read the payload key file ${path}: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed?.keys)) throw new PayloadKeysError(`${path}: expected { "keys": [{ "id", "key" }] }`);
  return parsed.keys.map((k) => ({ id: String(k.id), key: Buffer.from(String(k.key), 'base64') }));
}

/** Writes a key file (newest key first), readable by its owner only. */
export function writeKeyFile(path: string, keys: readonly PayloadKey[], now: Date = new Date()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const body: KeyFile = { keys: keys.map((k) => ({ id: k.id, key: k.key.toString('base64'), createdAt: now.toISOString() })) };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export const DEFAULT_KEY_FILE = '.data/keys/payload-keys.json';

/**
 * The keyring an entry point uses: PAYLOAD_KEYS, else PAYLOAD_KEYS_FILE, else the default file — created with a
 * fresh key when `createIfMissing` (`npm start`). Undefined when there is none and none may be created.
 */
export function keyringFromEnv(
  env: Record<string, string | undefined>,
  opts: { defaultFile?: string; createIfMissing?: boolean; log?: (m: string) => void } = {},
): Keyring | undefined {
  if (env.PAYLOAD_KEYS) return createKeyring(parsePayloadKeys(env.PAYLOAD_KEYS));
  const file = env.PAYLOAD_KEYS_FILE || opts.defaultFile || DEFAULT_KEY_FILE;
  if (existsSync(file)) return createKeyring(readKeyFile(file));
  if (env.PAYLOAD_KEYS_FILE) throw new PayloadKeysError(`PAYLOAD_KEYS_FILE ${file} does not exist`);
  if (!opts.createIfMissing) return undefined;
  const key = generatePayloadKey();
  writeKeyFile(file, [key]);
  opts.log?.(`payload encryption key ${key.id} created in ${file} (keep it: histories cannot be read without it)`);
  return createKeyring([key]);
}
