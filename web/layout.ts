/**
 * The GOV.UK Frontend page template, server-rendered: skip link, header with the service name, service navigation
 * for the principal, the language switch (Tiếng Việt / English), sign-in or sign-out, and the footer. Styles and
 * scripts come from /assets (govuk-frontend's compiled dist); the pages work without the script.
 */
import { html, raw } from 'hono/html';
import { principalLabel } from '../identity/claims';
import { LANGUAGES, LANGUAGE_NAMES, type Lang, type Messages } from './i18n/index';
import { navFor } from './nav';
import { CSRF_FIELD, type Session } from './session';
import type { Context } from 'hono';

export type Html = ReturnType<typeof html>;

export interface LayoutContext {
  c: Context;
  t: Messages;
  lang: Lang;
  session?: Session;
}

export interface LayoutOptions {
  title: string;
  content: Html;
  /** Shown above the title (e.g. a back link). */
  before?: Html;
  /** Prefixes the title with "Error: " (GOV.UK pattern for a page with a form error). */
  hasErrors?: boolean;
}

function withLang(c: Context, lang: Lang): string {
  const url = new URL(c.req.url);
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

function languageSwitch(ctx: LayoutContext): Html {
  const items = (Object.keys(LANGUAGES) as Lang[]).map((l) =>
    l === ctx.lang
      ? html`<li class="govuk-language-navigation__list-item"><span class="govuk-language-navigation__text" lang="${l}" aria-current="true">${LANGUAGE_NAMES[l]}</span></li>`
      : html`<li class="govuk-language-navigation__list-item"><a class="govuk-language-navigation__link" href="${withLang(ctx.c, l)}" lang="${l}" hreflang="${l}" rel="alternate">${LANGUAGE_NAMES[l]}</a></li>`,
  );
  return html`<nav class="govuk-language-navigation" aria-label="${ctx.t.languageNavigation}"><ul class="govuk-language-navigation__list">${items}</ul></nav>`;
}

function accountArea(ctx: LayoutContext): Html {
  if (!ctx.session) return html`<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/sign-in">${ctx.t.signIn}</a></li>`;
  return html`<li class="govuk-service-navigation__item console-account">
  <span class="govuk-service-navigation__text console-account__who">${ctx.t.signedInAs(principalLabel(ctx.session.principal))}</span>
  <form method="post" action="/sign-out" class="console-inline-form"><input type="hidden" name="${CSRF_FIELD}" value="${ctx.session.csrf}"><button type="submit" class="govuk-service-navigation__link console-link-button">${ctx.t.signOut}</button></form>
</li>`;
}

function serviceNavigation(ctx: LayoutContext): Html {
  const path = ctx.c.req.path;
  const items = navFor(ctx.session?.principal).map((n) => {
    const active = path === n.href || path.startsWith(`${n.href}/`);
    return active
      ? html`<li class="govuk-service-navigation__item govuk-service-navigation__item--active"><a class="govuk-service-navigation__link" href="${n.href}" aria-current="page"><strong class="govuk-service-navigation__active-fallback">${ctx.t[n.label]}</strong></a></li>`
      : html`<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="${n.href}">${ctx.t[n.label]}</a></li>`;
  });
  return html`<section aria-label="${ctx.t.serviceName}" class="govuk-service-navigation" data-module="govuk-service-navigation">
  <div class="govuk-width-container">
    <div class="govuk-service-navigation__container">
      <span class="govuk-service-navigation__service-name"><a href="/" class="govuk-service-navigation__link">${ctx.t.serviceName}</a></span>
      <nav aria-label="${ctx.t.menu}" class="govuk-service-navigation__wrapper">
        <button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">${ctx.t.menu}</button>
        <ul class="govuk-service-navigation__list" id="navigation">${items}${accountArea(ctx)}</ul>
      </nav>
    </div>
    ${languageSwitch(ctx)}
  </div>
</section>`;
}

export function layout(ctx: LayoutContext, opts: LayoutOptions): Html {
  const title = `${opts.hasErrors ? (ctx.lang === 'vi' ? 'Lỗi: ' : 'Error: ') : ''}${opts.title} – ${ctx.t.serviceName}`;
  return html`<!DOCTYPE html>
<html lang="${ctx.lang}" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>${title}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="#1d70b8">
  <link rel="icon" sizes="48x48" href="/assets/images/favicon.ico">
  <link rel="icon" sizes="any" href="/assets/images/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/govuk-frontend.min.css">
  <link rel="stylesheet" href="/assets/console.css">
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">${ctx.t.skipToContent}</a>
  <header class="govuk-template__header">
    <div class="govuk-header"><div class="govuk-header__container govuk-width-container">
      <div class="govuk-header__logo"><a href="/" class="govuk-header__homepage-link"><span class="console-header__name">${ctx.t.serviceName}</span></a></div>
    </div></div>
    ${serviceNavigation(ctx)}
  </header>
  <div class="govuk-width-container">
    ${opts.before ?? ''}
    <main class="govuk-main-wrapper" id="main-content">
      ${opts.content}
    </main>
  </div>
  <footer class="govuk-footer"><div class="govuk-width-container"><div class="govuk-footer__meta"><div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
    <p class="govuk-body-s">${ctx.t.footerNote}</p>
  </div></div></div></footer>
  ${raw('<script type="module" src="/assets/console.js"></script>')}
</body>
</html>`;
}
