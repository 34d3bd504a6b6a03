/**
 * Binds each task token the server hands out to the task queue it came from, with an HMAC, so a worker answering a
 * task proves the task was issued on a queue its credential covers (the plain tokens are readable JSON anyone could
 * forge). The binding is stripped before the call reaches the handlers, which see the token they issued.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAGIC = Buffer.from('tqb1.');

export class TaskTokenBinding {
  constructor(private readonly secret: Uint8Array) {}

  private mac(queue: string, token: Uint8Array): Buffer {
    return createHmac('sha256', this.secret).update(queue).update('\0').update(token).digest();
  }

  bind(token: Uint8Array, queue: string): Buffer {
    const q = Buffer.from(queue, 'utf8');
    const header = Buffer.alloc(2);
    header.writeUInt16BE(q.length);
    return Buffer.concat([MAGIC, header, q, this.mac(queue, token), token]);
  }

  /** The queue and original token, or null when the token was not bound by this server. */
  unbind(bound: Uint8Array | null | undefined): { queue: string; token: Buffer } | null {
    if (!bound || bound.length < MAGIC.length + 2 + 32) return null;
    const b = Buffer.from(bound);
    if (!b.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    const qlen = b.readUInt16BE(MAGIC.length);
    const qStart = MAGIC.length + 2;
    if (b.length < qStart + qlen + 32) return null;
    const queue = b.subarray(qStart, qStart + qlen).toString('utf8');
    const mac = b.subarray(qStart + qlen, qStart + qlen + 32);
    const token = b.subarray(qStart + qlen + 32);
    return timingSafeEqual(mac, this.mac(queue, token)) ? { queue, token } : null;
  }
}
