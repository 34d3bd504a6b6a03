/**
 * A raw HTTP/2 gRPC client for the fuzz suite: sends any bytes with any headers on one stream and reports what came
 * back (HTTP status, grpc-status from the headers of a trailers-only answer or from the trailers, message, details).
 */
import http2 from 'node:http2';

export interface RawAnswer {
  httpStatus: number;
  grpcStatus: number | null;
  grpcMessage: string;
  detailsBin: Buffer | null;
  body: Buffer;
}

export function rawCall(session: http2.ClientHttp2Session, path: string, body: Buffer, headers: http2.OutgoingHttpHeaders = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let httpStatus = 0;
    let grpcStatus: number | null = null;
    let grpcMessage = '';
    let detailsBin: Buffer | null = null;
    const chunks: Buffer[] = [];
    const take = (h: http2.IncomingHttpHeaders) => {
      if (h['grpc-status'] !== undefined) grpcStatus = Number(h['grpc-status']);
      if (typeof h['grpc-message'] === 'string') grpcMessage = decodeURIComponent(h['grpc-message']);
      if (typeof h['grpc-status-details-bin'] === 'string') detailsBin = Buffer.from(h['grpc-status-details-bin'], 'base64');
    };
    stream.on('response', (h) => {
      httpStatus = Number(h[':status']);
      take(h);
    });
    stream.on('trailers', take);
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ httpStatus, grpcStatus, grpcMessage, detailsBin, body: Buffer.concat(chunks) }));
    stream.on('error', reject);
    stream.end(body);
  });
}

/** One uncompressed length-prefixed message. */
export const frame = (message: Uint8Array, compressed = false) => {
  const out = Buffer.alloc(5 + message.length);
  out[0] = compressed ? 1 : 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
};
