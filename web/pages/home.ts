/** The home page, sign-in (through the configured identity provider) and sign-out. */
import { html } from 'hono/html';
import { allow, PUBLIC } from '../../api/auth/route-policy';
import { authenticate } from '../../api/auth/route-policy';
import type { Principal } from '../../identity/claims';
import { notificationBanner } from '../components';
import { layout } from '../layout';
import { errorPage, page } from '../page';
import { beginSignIn, endSession, finishSignIn, startSession } from '../session';

/** Where a principal lands after sign-in when no page was asked for. */
export function homeOf(p: Principal): string {
  if (p.kind === 'citizen') return '/my/cases';
  if (p.kind === 'officer') return '/officer/queue';
  if (p.roles.includes('operator')) return '/operator/stuck';
  if (p.roles.includes('designer')) return '/designer';
  if (p.roles.includes('auditor')) return '/supervisor';
  return '/';
}

export const homePages = [
  page('GET', '/', PUBLIC, async (ctx) => {
    const { t, session } = ctx;
    const who = session?.principal;
    const lead = !who ? t.homeSignedOut : who.kind === 'citizen' ? t.homeCitizen : who.kind === 'officer' ? t.homeOfficer : t.homeStaff;
    const start = !who ? '/sign-in' : homeOf(who) === '/' ? '/services' : homeOf(who);
    const content = html`${ctx.c.req.query('signedOut') ? notificationBanner(t.signOut, html`<p class="govuk-notification-banner__heading">${t.signedOut}</p>`, true) : ''}
<h1 class="govuk-heading-xl">${t.homeTitle}</h1>
<p class="govuk-body-l">${t.homeLead}</p>
<p class="govuk-body">${lead}</p>
<a href="${start}" role="button" draggable="false" class="govuk-button govuk-button--start" data-module="govuk-button">${t.startNow}
  <svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false"><path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z"/></svg></a>`;
    return ctx.c.html(await layout(ctx, { title: t.homeTitle, content }));
  }),

  page('GET', '/sign-in', PUBLIC, async (ctx) => {
    if (!ctx.deps.signInUrl) return errorPage(ctx, 503, ctx.t.signInTitle, ctx.t.signInNotConfigured, 'SIGN_IN_NOT_CONFIGURED');
    const { state } = beginSignIn(ctx.c, ctx.c.req.query('next') ?? '');
    // A provider on another origin needs this site's full callback address; the local one takes the path.
    const returnTo = /^https?:/.test(ctx.deps.signInUrl) ? new URL('/sign-in/callback', ctx.c.req.url).href : '/sign-in/callback';
    const url = `${ctx.deps.signInUrl}?${new URLSearchParams({ return_to: returnTo, state, lang: ctx.lang })}`;
    return ctx.c.redirect(url, 303);
  }),

  // The identity provider posts the token back here (form_post), with the state this browser started the sign-in with.
  page(
    'POST',
    '/sign-in/callback',
    PUBLIC,
    async (ctx) => {
      const started = finishSignIn(ctx.c, ctx.form.state);
      const token = typeof ctx.form.token === 'string' ? ctx.form.token : '';
      if (!started || !token) return errorPage(ctx, 400, ctx.t.signInTitle, ctx.t.signInFailed, 'SIGN_IN_STATE_INVALID');
      // The same verification and claim rules as every bearer token of the API.
      const principal = await authenticate(ctx.deps.verify, `Bearer ${token}`).catch(() => undefined);
      if (!principal) return errorPage(ctx, 401, ctx.t.signInTitle, ctx.t.signInFailed, 'TOKEN_INVALID');
      startSession(ctx.c, token, ctx.deps.now());
      return ctx.c.redirect(started.next !== '/' ? started.next : homeOf(principal), 303);
    },
    { csrf: false },
  ),

  page('POST', '/sign-out', allow('citizen', 'officer', 'operator', 'designer', 'auditor'), async (ctx) => {
    endSession(ctx.c);
    return ctx.c.redirect('/?signedOut=1', 303);
  }),
];

