/**
 * Fetched histories hold what Temporal stores: encrypted payloads. Tools that read payloads out of a history
 * (ops explain, reproject, export --decoded) decode the whole history first with the client's codecs.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';

const isPayloadMap = (key: string) => key === 'memo' || key === 'header';

async function decodeAll(codecs: readonly PayloadCodec[], payloads: Payload[]): Promise<Payload[]> {
  let out = payloads;
  for (const codec of [...codecs].reverse()) out = await codec.decode(out);
  return out;
}

/** Decodes, in place, every `payloads` list and every memo/header `fields` map of the events; returns them. */
export async function decodeHistoryEvents<T>(codecs: readonly PayloadCodec[], events: T): Promise<T> {
  if (codecs.length === 0) return events;
  const walk = async (node: unknown, parentKey: string): Promise<void> => {
    if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) return;
    if (Array.isArray(node)) {
      for (const item of node) await walk(item, parentKey);
      return;
    }
    const obj = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(obj)) {
      if (key === 'payloads' && Array.isArray(value)) obj.payloads = await decodeAll(codecs, value as Payload[]);
      else if (key === 'fields' && isPayloadMap(parentKey) && value && typeof value === 'object') {
        const names = Object.keys(value);
        const decoded = await decodeAll(codecs, names.map((n) => (value as Record<string, Payload>)[n]));
        obj.fields = Object.fromEntries(names.map((n, i) => [n, decoded[i]]));
      } else await walk(value, key);
    }
  };
  await walk(events, '');
  return events;
}
