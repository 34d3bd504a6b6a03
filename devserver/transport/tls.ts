/**
 * TLS for the devserver's gRPC port, as a Temporal frontend's `tls.frontend` does it: a server certificate and key,
 * optionally a CA bundle that client certificates are verified against, and optionally the requirement that every
 * connection present one (a connection without a valid certificate is then refused at the handshake).
 */
import type { Http2Session, SecureServerOptions } from 'node:http2';
import type { TLSSocket } from 'node:tls';

export interface DevServerTlsOptions {
  /** The server's certificate chain and private key (PEM). */
  cert: string | Buffer;
  key: string | Buffer;
  /** CA bundle (PEM) client certificates are verified against; absent, clients are not asked for one. */
  clientCa?: string | Buffer;
  /** Refuse, at the handshake, every connection without a client certificate issued by `clientCa`. */
  requireClientCert?: boolean;
}

/** The http2 secure-server options for `tls`. */
export function secureServerOptions(tls: DevServerTlsOptions): SecureServerOptions {
  if (tls.requireClientCert && !tls.clientCa) throw new Error('requiring client certificates needs a client CA bundle');
  return {
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.2',
    ALPNProtocols: ['h2'],
    ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: !!tls.requireClientCert } : {}),
  };
}

/** What the transport knows of a call's peer beyond its headers. */
export interface CallPeer {
  /** The client certificate's subject, only when the certificate was verified against the client CA. */
  certificateSubject?: { commonName: string; distinguishedName: string };
}

const NO_PEER: CallPeer = {};
const peers = new WeakMap<Http2Session, CallPeer>();

/** The verified client certificate of a connection (plain TCP, no certificate or an unverified one: none). */
export function callPeer(session: Http2Session | undefined): CallPeer {
  if (!session) return NO_PEER;
  const known = peers.get(session);
  if (known) return known;
  const tlsSocket = session.socket as Partial<TLSSocket> | undefined;
  let peer = NO_PEER;
  if (tlsSocket && typeof tlsSocket.getPeerCertificate === 'function' && tlsSocket.authorized) {
    const subject = tlsSocket.getPeerCertificate().subject as Record<string, string | string[] | undefined> | undefined;
    const cn = subject?.CN;
    const commonName = Array.isArray(cn) ? cn[cn.length - 1] : cn;
    if (subject && commonName) {
      const distinguishedName = Object.entries(subject)
        .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}=${x}`))
        .join(',');
      peer = { certificateSubject: { commonName, distinguishedName } };
    }
  }
  peers.set(session, peer);
  return peer;
}
