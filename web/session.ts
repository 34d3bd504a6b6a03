/**
 * The console's browser session: the verified bearer token itself, kept in an HttpOnly, SameSite=Lax cookie (Secure
 * over https), verified on every request by the same token verifier and claim rules as the API's bearer tokens
 * (api/auth/route-policy.ts `authenticate`). Forms carry a CSRF token bound to the session (a hash of the session's
 * token, which a page of another site can neither read nor guess), checked on every POST.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { decodeJwt } from 'jose';
import type { Principal } from '../identity/claims';
import type { TokenVerifier } from '../identity/token-verifier';
import { authenticate } from '../api/auth/route-policy';

export const SESSION_COOKIE = 'console_session';
/** The sign-in in progress: a random `state` echoed by the identity provider (login CSRF), and where to return. */
export const STATE_COOKIE = 'console_sign_in';
export const LANG_COOKIE = 'lang';
export const CSRF_FIELD = '_csrf';

export interface Session {
  principal: Principal;
  token: string;
  /** The token for this session's forms. */
  csrf: string;
}

export const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

const cookieOptions = (c: Context, maxAge: number) => ({ httpOnly: true, sameSite: 'Lax' as const, secure: isHttps(c), path: '/', maxAge });

const csrfOf = (token: string) => createHash('sha256').update(`console-csrf:${token}`).digest('base64url');

/** The session of the request, if its cookie holds a token that still verifies; else undefined. */
export async function readSession(c: Context, verify: TokenVerifier): Promise<Session | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 8192) return undefined;
  try {
    const principal = await authenticate(verify, `Bearer ${token}`);
    return { principal, token, csrf: csrfOf(token) };
  } catch {
    return undefined; // expired, forged, or from an issuer no longer trusted: signed out
  }
}

/** Starts a session with a token the caller has verified; the cookie lives as long as the token. */
export function startSession(c: Context, token: string, now: Date): void {
  const exp = decodeJwt(token).exp ?? 0;
  setCookie(c, SESSION_COOKIE, token, cookieOptions(c, Math.max(0, exp - Math.floor(now.getTime() / 1000))));
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}

/** True when the submitted CSRF token is this session's (constant-time). */
export function csrfValid(session: Session, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(submitted);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A local path to return to after sign-in: never another origin (`//host`, `/\host`, schemes). */
export function safeReturnPath(path: unknown, fallback = '/'): string {
  return typeof path === 'string' && /^\/(?![/\\])[\w\-./?=&%~+,:@]*$/.test(path) && path.length <= 500 ? path : fallback;
}

export interface SignInState {
  state: string;
  next: string;
}

export function beginSignIn(c: Context, next: string): SignInState {
  const s = { state: randomBytes(24).toString('base64url'), next: safeReturnPath(next) };
  setCookie(c, STATE_COOKIE, `${s.state}.${Buffer.from(s.next).toString('base64url')}`, cookieOptions(c, 600));
  return s;
}

/** The sign-in this browser started, if `state` is its state; the cookie is spent either way. */
export function finishSignIn(c: Context, state: unknown): SignInState | undefined {
  const raw = getCookie(c, STATE_COOKIE);
  deleteCookie(c, STATE_COOKIE, { path: '/', secure: isHttps(c) });
  if (!raw || typeof state !== 'string') return undefined;
  const [expected, next] = raw.split('.');
  const a = Buffer.from(expected ?? '');
  const b = Buffer.from(state);
  if (a.length === 0 || a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
  return { state: expected, next: safeReturnPath(Buffer.from(next ?? '', 'base64url').toString()) };
}
