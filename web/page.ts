/**
 * A console page is declared as data: method, path, who may open it (the API's RoutePolicy: `PUBLIC` or
 * `allow('citizen', …)`) and its handler. Pages are registered only through `registerPages`, which applies the
 * policy (deny by default: no policy, no page), the CSRF check of every POST, the language and the error pages, so a
 * handler runs only for a principal its policy admits.
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { setCookie } from 'hono/cookie';
import { getCookie } from 'hono/cookie';
import { admits, type RoutePolicy } from '../api/auth/route-policy';
import { ApiError } from '../api/errors';
import type { Principal } from '../identity/claims';
import { chooseLang, LANGUAGES, type Lang, type Messages } from './i18n/index';
import { CSRF_FIELD, csrfValid, isHttps, LANG_COOKIE, readSession, type Session } from './session';
import { layout, type Html } from './layout';
import type { ConsoleDeps } from './deps';

export interface PageContext {
  c: Context;
  deps: ConsoleDeps;
  t: Messages;
  lang: Lang;
  /** The signed-in session, if any (always set on pages that are not public). */
  session?: Session;
  /** The form fields of a POST (already parsed; the CSRF field removed). */
  form: Record<string, string | string[]>;
}

/** A page whose policy is not public: the principal is there. */
export type SignedInContext = PageContext & { session: Session; principal: Principal };

export interface PageDefinition {
  method: 'GET' | 'POST';
  path: string;
  policy: RoutePolicy;
  /** POST only: false for the sign-in callback, which checks the sign-in's own `state` instead of a session token. */
  csrf?: boolean;
  handler: (ctx: any) => Response | Promise<Response>;
}

export function page(method: 'GET' | 'POST', path: string, policy: RoutePolicy & { public: true }, handler: (ctx: PageContext) => Response | Promise<Response>, opts?: { csrf?: boolean }): PageDefinition;
export function page(method: 'GET' | 'POST', path: string, policy: RoutePolicy, handler: (ctx: SignedInContext) => Response | Promise<Response>, opts?: { csrf?: boolean }): PageDefinition;
export function page(method: 'GET' | 'POST', path: string, policy: RoutePolicy, handler: (ctx: any) => Response | Promise<Response>, opts: { csrf?: boolean } = {}): PageDefinition {
  return { method, path, policy, handler, csrf: opts.csrf };
}

/** An HTML page for a condition (404, 403, 500…), in the page's language. */
export async function errorPage(ctx: PageContext, status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503, title: string, body: string, code?: string): Promise<Response> {
  const content = html`<h1 class="govuk-heading-l">${title}</h1>
<p class="govuk-body">${body}</p>
${code ? html`<p class="govuk-body govuk-hint">${ctx.t.errorCode(code)}</p>` : ''}
<p class="govuk-body"><a class="govuk-link" href="/">${ctx.t.navHome}</a></p>`;
  return ctx.c.html(await layout(ctx, { title, content }), status);
}

function formOf(body: Record<string, string | File | (string | File)[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === CSRF_FIELD) continue;
    if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
    else if (typeof v === 'string') out[k] = v;
  }
  return out;
}

async function run(def: PageDefinition, c: Context, deps: ConsoleDeps): Promise<Response> {
  const query = c.req.query('lang');
  const lang = chooseLang(query, getCookie(c, LANG_COOKIE), c.req.header('accept-language'));
  if (query === lang) setCookie(c, LANG_COOKIE, lang, { path: '/', sameSite: 'Lax', secure: isHttps(c), maxAge: 365 * 86400 });
  const session = (c.get('consoleSession') as Session | undefined) ?? (await readSession(c, deps.verify));
  const ctx: PageContext = { c, deps, t: LANGUAGES[lang], lang, session, form: {} };
  if (!('public' in def.policy)) {
    if (!session) {
      if (def.method === 'GET') return c.redirect(`/sign-in?next=${encodeURIComponent(c.req.path)}`, 303);
      return errorPage(ctx, 401, ctx.t.signInTitle, ctx.t.signInFailed, 'TOKEN_MISSING');
    }
    if (!admits(def.policy, session.principal)) return errorPage(ctx, 403, ctx.t.forbiddenTitle, ctx.t.forbiddenBody, 'ROLE_REQUIRED');
  }
  if (def.method === 'POST') {
    const body = await c.req.parseBody({ all: true });
    if (def.csrf !== false && (!session || !csrfValid(session, body[CSRF_FIELD]))) return errorPage(ctx, 403, ctx.t.csrfTitle, ctx.t.csrfBody, 'CSRF_TOKEN_INVALID');
    ctx.form = formOf(body);
  }
  try {
    return await def.handler(session ? { ...ctx, principal: session.principal } : ctx);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return errorPage(ctx, 404, ctx.t.notFoundTitle, ctx.t.notFoundBody, err.code);
    if (err instanceof ApiError && err.status === 403) return errorPage(ctx, 403, ctx.t.forbiddenTitle, ctx.t.forbiddenBody, err.code);
    if (err instanceof ApiError) return errorPage(ctx, err.status, ctx.t.errorPageTitle, err.message, err.code);
    console.error('[console] unexpected error', err);
    return errorPage(ctx, 500, ctx.t.errorPageTitle, ctx.t.errorPageTitle, 'INTERNAL');
  }
}

/** Registers each page on the console app with its policy applied. */
export function registerPages(app: Hono, pages: readonly PageDefinition[], deps: ConsoleDeps): void {
  for (const def of pages) app.on(def.method, def.path, (c) => run(def, c, deps));
}

export type { Html };
