/**
 * The web console, served by the API process at the site root: citizens apply and follow their cases, officers work
 * their agency's queue (web/pages/). Server-rendered GOV.UK Frontend pages in Vietnamese and English, signed in by a
 * session cookie holding a verified token (web/session.ts), each page with its declared policy (web/page.ts).
 *
 * `api/app.ts` mounts it: the console's paths are declared to the API's route policies as not needing a bearer
 * token (the console checks its own session and page policy), `session` runs before the API's rate limiter so a
 * signed-in browser is limited as its principal, and `app` holds the pages and /assets.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { matchedRoutes } from 'hono/route';
import { serveAsset } from './assets';
import type { ConsoleDeps } from './deps';
import { registerPages, type PageDefinition } from './page';
import { CONSOLE_PAGES } from './pages/index';
import { readSession, SESSION_COOKIE } from './session';

export type { ConsoleDeps };

export interface WebConsole {
  app: Hono;
  /** Every route the console serves (the API declares them as authenticated by the console, not by bearer token). */
  routes: { method: string; path: string }[];
  /** Reads the session cookie of a console request and names its principal (for the API's rate limiter). */
  session: MiddlewareHandler;
}

export const ASSETS_PATH = '/assets/*';

export function createConsole(deps: ConsoleDeps, pages: readonly PageDefinition[] = CONSOLE_PAGES): WebConsole {
  const app = new Hono();
  app.get(ASSETS_PATH, serveAsset);
  registerPages(app, pages, deps);
  const routes = [{ method: 'GET', path: ASSETS_PATH }, ...pages.map((p) => ({ method: p.method, path: p.path }))];
  const pageKeys = new Set(pages.map((p) => `${p.method} ${p.path}`));

  const session: MiddlewareHandler = async (c, next) => {
    const route = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
    if (route && pageKeys.has(`${route.method} ${route.path}`) && !c.get('principal') && getCookie(c, SESSION_COOKIE)) {
      const s = await readSession(c, deps.verify);
      if (s) {
        c.set('consoleSession', s);
        c.set('principal', s.principal);
      }
    }
    await next();
  };
  return { app, routes, session };
}
