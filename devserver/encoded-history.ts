/**
 * A history whose events stay as they are stored: encoded. The devserver keeps every event encoded (in Postgres,
 * in the run cache's tails, in a transaction's new events), and an answer carrying a history — a workflow task, a
 * page of GetWorkflowExecutionHistory or its reverse, a query task — puts those bytes on the wire as they are, instead of
 * decoding each event into a message only for the answer's encoder to encode it again.
 *
 * How: `EncodedHistory` is a `temporal.api.history.v1.History` message (its reflection type's constructor), so a
 * response's `fromObject` keeps it as it is, and the History type's encoder, wrapped once here, writes its events
 * as the repeated `events` field (tag, length, bytes: what encoding each event would write). Any other History is
 * encoded by protobufjs's own generated encoder, unchanged.
 */
import { root, type TemporalTypes } from './proto';

interface ProtoWriter {
  uint32(v: number): ProtoWriter;
  bytes(v: Uint8Array): ProtoWriter;
}
type Encode = (message: unknown, writer?: ProtoWriter, depth?: number) => ProtoWriter;
interface ReflectedType {
  ctor: new () => object;
  fields: Record<string, { id: number }>;
  setup(): ReflectedType;
  encode: Encode;
}

const HistoryType = root.lookupType('temporal.api.history.v1.History') as ReflectedType;

/**
 * The brand the wrapped encoder looks for (not `instanceof`: this module may be evaluated more than once over
 * one @temporalio/proto root, as a test runner does per file, and the first evaluation's wrapper must know the
 * instances of every later one).
 */
const ENCODED_EVENTS = Symbol.for('once-only-engine.devserver.encodedEvents');

/** A History message made of already-encoded events (each one HistoryEvent's encoding). */
export class EncodedHistory extends HistoryType.ctor implements TemporalTypes.api.history.v1.IHistory {
  /** Empty (set so by the message constructor): the events are the encoded ones given, never decoded here. */
  declare readonly events: TemporalTypes.api.history.v1.IHistoryEvent[];
  readonly [ENCODED_EVENTS]: readonly Uint8Array[];

  constructor(encodedEvents: readonly Uint8Array[]) {
    super();
    this[ENCODED_EVENTS] = encodedEvents;
  }
}

/** Wire type 2 (length-delimited) of History's repeated `events` field. */
const EVENTS_TAG = ((HistoryType.fields.events.id << 3) | 2) >>> 0;

// setup() replaces the type's lazy stubs with its generated codecs, so the wrapper goes on after it; and only when
// the encoder is not wrapped yet: this module may be evaluated again over the same root (a test runner does, per
// file), and setup() again would put the bare generated encoder back.
const WRAPPED = Symbol.for('once-only-engine.devserver.encodedHistoryEncoder');
if (!(HistoryType.encode as Encode & { [WRAPPED]?: true })[WRAPPED]) {
  const generated = HistoryType.setup().encode;
  const encodeHistory: Encode & { [WRAPPED]?: true } = (message, writer, depth) => {
    const events = (message as { [ENCODED_EVENTS]?: readonly Uint8Array[] } | null)?.[ENCODED_EVENTS];
    if (!events) return generated(message, writer, depth);
    // An empty History writes nothing and hands back the writer (a fresh one when none was given).
    const w = generated({}, writer, depth);
    for (const event of events) w.uint32(EVENTS_TAG).bytes(event);
    return w;
  };
  encodeHistory[WRAPPED] = true;
  HistoryType.encode = encodeHistory;
}
