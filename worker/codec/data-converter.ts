/**
 * The one data converter of every Temporal client and worker (API, agency and engine workers, ops CLI, designer,
 * benchmarks, tests): payloads encrypted by the codec (worker/codec/encryption-codec.ts), so a history holds no
 * plaintext personal data (failure messages are not payloads: they must not carry any). The codec runs outside
 * the workflow sandbox, on the client's and worker's side of the connection: workflow code is unchanged.
 */
import type { DataConverter, LoadedDataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { decodeOptionalSinglePayload } from '@temporalio/common/lib/internal-non-workflow';
import { EncryptionCodec } from './encryption-codec';
import { createKeyring, generatePayloadKey, keyringFromEnv, type Keyring } from './keyring';

export interface DataConverterOptions {
  /** Keys held here: encrypt with the current one, decrypt with any. */
  keyring?: Keyring;
  /** A codec that decodes elsewhere (the API's codec endpoint, worker/codec/remote-codec.ts): tools without the key. */
  remote?: PayloadCodec;
}

export class NoPayloadCodecError extends Error {
  readonly code = 'PAYLOAD_KEYS_MISSING';
  constructor(who: string) {
    super(`${who} needs the payload encryption keys: set PAYLOAD_KEYS or PAYLOAD_KEYS_FILE (docs/encryption.md)`);
  }
}

export function payloadCodecOf(opts: DataConverterOptions): PayloadCodec | undefined {
  return opts.keyring ? new EncryptionCodec(opts.keyring) : opts.remote;
}

/** The data converter for `new Client({ dataConverter })`, `Worker.create({ dataConverter })` and replays. */
export function createDataConverter(opts: DataConverterOptions): DataConverter {
  const codec = payloadCodecOf(opts);
  return { payloadCodecs: codec ? [codec] : [] };
}

/**
 * A value from a history payload (fetched histories hold what Temporal stores: encrypted payloads): decoded by the
 * client's codec, then converted.
 */
export async function decodeHistoryPayload<T>(converter: LoadedDataConverter, payload: Payload | null | undefined): Promise<T | undefined> {
  return (await decodeOptionalSinglePayload<T>(converter, payload)) ?? undefined;
}

/**
 * For entry points (the only readers of env): the data converter on the keys of PAYLOAD_KEYS / PAYLOAD_KEYS_FILE /
 * the default key file (`createIfMissing`: `npm start` makes one). A process that runs workflows or writes histories
 * without a key is refused (PAYLOAD_KEYS_MISSING) rather than writing plaintext.
 */
export function dataConverterFromEnv(
  env: Record<string, string | undefined>,
  who: string,
  opts: { createIfMissing?: boolean; defaultFile?: string; log?: (m: string) => void } = {},
): DataConverter {
  const keyring = keyringFromEnv(env, opts);
  if (!keyring) throw new NoPayloadCodecError(who);
  return createDataConverter({ keyring });
}

/** A fresh in-memory keyring's converter: for in-process engines that keep nothing (designer simulations, tests). */
export function ephemeralDataConverter(): DataConverter {
  return createDataConverter({ keyring: createKeyring([generatePayloadKey()]) });
}
