/**
 * The local development identity provider's pages, mounted by `npm start` only: its public keys
 * (/.well-known/jwks.json) and a login page (/auth/login) where a developer picks a seeded citizen, officer or staff
 * member (or types any principal spec) and gets a bearer token. Server-rendered, accessible, no scripts.
 *
 * The web console signs in through it like through any OpenID provider with `response_mode=form_post`: it sends the
 * browser here with `return_to` (a path of this site) and `state`; after the pick, the page posts the token and the
 * state back to `return_to` (one "Continue" button, so it works without JavaScript).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { html, raw } from 'hono/html';
import { parsePrincipalSpec, UnknownIdentityError, type DevIdentityProvider } from '../identity/dev-identity-provider';
import { FIXTURE_FATHER, FIXTURE_HCM_WIFE, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../db/seed-fixtures';
import { PUBLIC, type RoutePolicies } from './auth/route-policy';

const EXAMPLES = ['citizen:036196023456', 'officer:justice:tp-01', 'officer:police:ca-07', 'operator:op-01', 'designer:ds-01', 'auditor:au-01'];

/** The seeded people and officers of the demo, offered in a list. */
export const DEV_IDENTITIES: { spec: string; label: string }[] = [
  { spec: `citizen:${FIXTURE_MOTHER.personalId}`, label: `${FIXTURE_MOTHER.fullName} — citizen, mother (Hà Nội)` },
  { spec: `citizen:${FIXTURE_FATHER.personalId}`, label: `${FIXTURE_FATHER.fullName} — citizen, father (Hà Nội)` },
  { spec: `citizen:${FIXTURE_HOUSEHOLD_HEAD.personalId}`, label: `${FIXTURE_HOUSEHOLD_HEAD.fullName} — citizen, household head (Hà Nội)` },
  { spec: `citizen:${FIXTURE_HCM_WIFE.personalId}`, label: `${FIXTURE_HCM_WIFE.fullName} — citizen (Hồ Chí Minh City)` },
  { spec: 'officer:justice:tp-01', label: 'tp-01 — civil-status officer, justice (Hà Nội, commune 00004)' },
  { spec: 'officer:police:ca-07', label: 'ca-07 — residence officer, police (Hà Nội)' },
  { spec: 'officer:vss:bh-01', label: 'bh-01 — social-insurance officer, VSS (Hà Nội)' },
  { spec: 'operator:op-01', label: 'op-01 — operator' },
  { spec: 'designer:ds-01', label: 'ds-01 — procedure designer' },
  { spec: 'auditor:au-01', label: 'au-01 — auditor (supervisor)' },
];

/** A path of this site (never another origin) the token may be posted back to. */
const safeReturnTo = (v: unknown) => (typeof v === 'string' && /^\/(?![/\\])[\w\-./]*$/.test(v) && v.length <= 200 ? v : undefined);
const safeState = (v: unknown) => (typeof v === 'string' && /^[\w-]{1,200}$/.test(v) ? v : '');

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} – development sign-in</title></head>
  <body><main id="main-content"><h1>${title}</h1>${body}<p>Development identity provider: never exposed in production.</p></main></body>
</html>`;
}

function form(value: string, flow: { returnTo?: string; state: string }, error?: string) {
  const picked = DEV_IDENTITIES.some((i) => i.spec === value) ? value : '';
  return page(
    'Sign in',
    html`${error ? html`<div role="alert" aria-labelledby="error-summary-title"><h2 id="error-summary-title">There is a problem</h2><p><a href="#as">${error}</a></p></div>` : ''}
<form method="post" action="/auth/login" novalidate>
  ${flow.returnTo ? html`<input type="hidden" name="return_to" value="${flow.returnTo}"><input type="hidden" name="state" value="${flow.state}">` : ''}
  <fieldset>
    <legend>Pick a seeded person</legend>
    ${DEV_IDENTITIES.map((i, n) => html`<div><input type="radio" id="pick-${n}" name="pick" value="${i.spec}"${i.spec === picked ? raw(' checked') : ''}> <label for="pick-${n}">${i.label} <code>${i.spec}</code></label></div>`)}
  </fieldset>
  <p><label for="as">Or type who you are</label></p>
  <div id="as-hint">For example ${raw(EXAMPLES.map((e) => `<code>${e}</code>`).join(', '))}</div>
  <input id="as" name="as" type="text" value="${picked ? '' : value}" aria-describedby="as-hint" ${error ? raw('aria-invalid="true"') : ''} spellcheck="false" autocomplete="username">
  <button type="submit">${flow.returnTo ? 'Sign in' : 'Get a token'}</button>
</form>`,
  );
}

export function mountDevLogin(app: OpenAPIHono, policies: RoutePolicies, idp: DevIdentityProvider): void {
  policies.declare('GET', '/.well-known/jwks.json', PUBLIC);
  policies.declare('GET', '/auth/login', PUBLIC);
  policies.declare('POST', '/auth/login', PUBLIC);
  app.get('/.well-known/jwks.json', (c) => c.json(idp.jwks));
  app.get('/auth/login', (c) => c.html(form('', { returnTo: safeReturnTo(c.req.query('return_to')), state: safeState(c.req.query('state')) })));
  app.post('/auth/login', async (c) => {
    const body = await c.req.parseBody();
    const typed = String(body.as ?? '').trim();
    const spec = typed || String(body.pick ?? '').trim();
    const flow = { returnTo: safeReturnTo(body.return_to), state: safeState(body.state) };
    let token: string;
    try {
      token = await idp.apiToken(parsePrincipalSpec(spec));
    } catch (e) {
      if (e instanceof UnknownIdentityError) return c.html(form(spec, flow, e.message), 400);
      throw e;
    }
    if (c.req.header('accept')?.includes('application/json')) return c.json({ token, tokenType: 'Bearer', as: spec });
    if (flow.returnTo) {
      return c.html(
        page(
          'Signed in',
          html`<p>Signed in as <strong>${spec}</strong>.</p>
<form method="post" action="${flow.returnTo}"><input type="hidden" name="token" value="${token}"><input type="hidden" name="state" value="${flow.state}"><button type="submit" id="continue">Continue</button></form>`,
        ),
      );
    }
    return c.html(
      page(
        'Signed in',
        html`<p>Signed in as <strong>${spec}</strong>. Send this bearer token with every request:</p>
<label for="token">Token</label>
<textarea id="token" rows="6" cols="80" readonly>${token}</textarea>
<p><code>Authorization: Bearer &lt;token&gt;</code></p>
<p><a href="/auth/login">Sign in as someone else</a></p>`,
      ),
    );
  });
}
