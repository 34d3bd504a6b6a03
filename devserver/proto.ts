/**
 * Temporal API messages from @temporalio/proto's reflection root: service definitions for grpc-js
 * (no code generation) and small helpers for timestamps, durations and encoded blobs.
 */
import protoRoot from '@temporalio/proto';
import type { temporal as T, google as G } from '@temporalio/proto';
import type { ServiceDefinition } from '@grpc/grpc-js';

 
export const root: any = protoRoot;
export const temporal: typeof T = root.temporal;
export const google: typeof G = root.google;
export type { T as TemporalTypes };

export const api = temporal.api;
export const enums = temporal.api.enums.v1;
export const EventType = enums.EventType;
export const HistoryEvent = temporal.api.history.v1.HistoryEvent;

/** Builds a grpc-js service definition from the reflection root. */
export function serviceDefinition(fullName: string): { definition: ServiceDefinition; methods: string[] } {
  const svc = root.lookupService(fullName);
  const definition: Record<string, unknown> = {};
  const methods: string[] = [];
  for (const [name, m] of Object.entries<any>(svc.methods)) {
    const reqType = svc.lookupType(m.requestType);
    const resType = svc.lookupType(m.responseType);
    methods.push(name);
    definition[name] = {
      path: `/${fullName}/${name}`,
      requestStream: false,
      responseStream: false,
      originalName: name,
      requestSerialize: (obj: any) => Buffer.from(reqType.encode(reqType.fromObject(obj)).finish()),
      requestDeserialize: (buf: Buffer) => reqType.decode(buf),
      responseSerialize: (obj: any) => Buffer.from(resType.encode(resType.fromObject(obj)).finish()),
      responseDeserialize: (buf: Buffer) => resType.decode(buf),
    };
  }
  return { definition: definition as unknown as ServiceDefinition, methods };
}

// ---- time ----
export function tsFromMs(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}
export const durFromMs = tsFromMs;

export function toNum(v: any): number {
  if (v == null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v.toNumber === 'function') return v.toNumber();
  return Number(v);
}

/** google.protobuf.Duration / Timestamp (possibly null) → milliseconds (0 when unset). */
export function msFromDur(d: any): number {
  if (!d) return 0;
  return toNum(d.seconds) * 1000 + Math.floor(toNum(d.nanos) / 1e6);
}
export const msFromTs = msFromDur;

// ---- blobs kept inside the jsonb mutable state ----
export function encodeB64(type: any, obj: any): string | undefined {
  if (obj == null) return undefined;
  return Buffer.from(type.encode(type.fromObject(obj)).finish()).toString('base64');
}
export function decodeB64(type: any, b64: string | undefined | null): any {
  if (!b64) return null;
  return type.decode(Buffer.from(b64, 'base64'));
}

export const Payloads = temporal.api.common.v1.Payloads;
export const Failure = temporal.api.failure.v1.Failure;
export const Memo = temporal.api.common.v1.Memo;
export const SearchAttributes = temporal.api.common.v1.SearchAttributes;

export function encodeEvent(ev: any): Uint8Array {
  return HistoryEvent.encode(HistoryEvent.fromObject(ev)).finish();
}
export function decodeEvent(bytes: Uint8Array): any {
  return HistoryEvent.decode(bytes);
}
