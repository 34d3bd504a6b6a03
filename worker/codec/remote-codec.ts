/**
 * A codec that encodes and decodes through a codec server (the API's `/codec/encode` and `/codec/decode`,
 * Temporal's codec-server protocol), for tools that do not hold the payload keys: the ops CLI against a remote API
 * (`CODEC_ENDPOINT`), with an operator's or auditor's token.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface RemoteCodecOptions {
  /** The codec server's base URL, e.g. https://api.example/codec. */
  endpoint: string;
  token?: string;
  namespace: string;
  fetch?: typeof fetch;
}

export class CodecEndpointError extends Error {
  readonly code = 'CODEC_ENDPOINT_FAILED';
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const b64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('base64');
const bytes = (s: string | undefined) => new Uint8Array(Buffer.from(s ?? '', 'base64'));

export function payloadToJson(p: Payload): JsonPayload {
  return { metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(p.data) };
}

export function payloadFromJson(p: JsonPayload): Payload {
  return { metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, bytes(v)])), data: bytes(p.data) };
}

export class RemoteCodec implements PayloadCodec {
  constructor(private readonly opts: RemoteCodecOptions) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    return this.call('encode', payloads);
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return this.call('decode', payloads);
  }

  private async call(op: 'encode' | 'decode', payloads: Payload[]): Promise<Payload[]> {
    if (payloads.length === 0) return [];
    const res = await (this.opts.fetch ?? fetch)(`${this.opts.endpoint.replace(/\/$/, '')}/${op}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': this.opts.namespace,
        ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
      },
      body: JSON.stringify({ payloads: payloads.map(payloadToJson) }),
    });
    const body = (await res.json().catch(() => null)) as { payloads?: JsonPayload[]; error?: { code?: string; message?: string } } | null;
    if (!res.ok || !Array.isArray(body?.payloads)) {
      throw new CodecEndpointError(`codec endpoint ${op}: ${res.status} ${body?.error?.code ?? ''} ${body?.error?.message ?? ''}`.trim());
    }
    return body.payloads.map(payloadFromJson);
  }
}
