/**
 * The local development identity provider's pages, mounted by `npm start` only: its public keys
 * (/.well-known/jwks.json) and a minimal login page (/auth/login) where a developer or the console picks a seeded
 * citizen, officer or staff member and gets a bearer token. Server-rendered, accessible, no scripts.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { html, raw } from 'hono/html';
import { parsePrincipalSpec, UnknownIdentityError, type DevIdentityProvider } from '../identity/dev-identity-provider';
import { PUBLIC, type RoutePolicies } from './auth/route-policy';

const EXAMPLES = ['citizen:036196023456', 'officer:justice:tp-01', 'officer:police:ca-07', 'operator:op-01', 'designer:ds-01', 'auditor:au-01'];

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} – development sign-in</title></head>
  <body><main id="main-content" role="main"><h1>${title}</h1>${body}<p>Development identity provider: never exposed in production.</p></main></body>
</html>`;
}

function form(value: string, error?: string) {
  return page(
    'Sign in',
    html`${error ? html`<div role="alert" aria-labelledby="error-summary-title"><h2 id="error-summary-title">There is a problem</h2><p><a href="#as">${error}</a></p></div>` : ''}
<form method="post" action="/auth/login" novalidate>
  <label for="as">Who are you?</label>
  <div id="as-hint">For example ${raw(EXAMPLES.map((e) => `<code>${e}</code>`).join(', '))}</div>
  <input id="as" name="as" type="text" value="${value}" aria-describedby="as-hint" ${error ? raw('aria-invalid="true"') : ''} spellcheck="false" autocomplete="username" required>
  <button type="submit">Get a token</button>
</form>`,
  );
}

export function mountDevLogin(app: OpenAPIHono, policies: RoutePolicies, idp: DevIdentityProvider): void {
  policies.declare('GET', '/.well-known/jwks.json', PUBLIC);
  policies.declare('GET', '/auth/login', PUBLIC);
  policies.declare('POST', '/auth/login', PUBLIC);
  app.get('/.well-known/jwks.json', (c) => c.json(idp.jwks));
  app.get('/auth/login', (c) => c.html(form('')));
  app.post('/auth/login', async (c) => {
    const spec = String((await c.req.parseBody()).as ?? '').trim();
    let token: string;
    try {
      token = await idp.apiToken(parsePrincipalSpec(spec));
    } catch (e) {
      if (e instanceof UnknownIdentityError) return c.html(form(spec, e.message), 400);
      throw e;
    }
    if (c.req.header('accept')?.includes('application/json')) return c.json({ token, tokenType: 'Bearer', as: spec });
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
