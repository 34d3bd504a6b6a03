/**
 * Temporal API messages from @temporalio/proto's reflection root: service methods for the gRPC server
 * (no code generation) and small helpers for timestamps, durations and encoded blobs.
 */
import protoRoot from '@temporalio/proto';
import type { temporal as T, google as G } from '@temporalio/proto';

 
export const root: any = protoRoot;
export const temporal: typeof T = root.temporal;
export const google: typeof G = root.google;
export type { T as TemporalTypes };

export const api = temporal.api;
export const enums = temporal.api.enums.v1;
export const EventType = enums.EventType;
export const HistoryEvent = temporal.api.history.v1.HistoryEvent;

/** The methods of a service in the reflection root, with their request and response message types. */
export function serviceMethods(fullName: string): { name: string; requestType: any; responseType: any }[] {
  const svc = root.lookupService(fullName);
  return Object.entries<any>(svc.methods).map(([name, m]) => ({
    name,
    requestType: svc.lookupType(m.requestType),
    responseType: svc.lookupType(m.responseType),
  }));
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
