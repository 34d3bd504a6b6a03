/**
 * The console's frame in a real browser: the home page, sign-in through the local identity provider into a session
 * cookie (HttpOnly, SameSite=Lax), the language switch, deny-by-default page policies, CSRF on forms and sign-out.
 * axe-core checks every page visited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MOTHER } from '../../db/seed';
import { checkAccessibility, signOut, startConsoleStack, type ConsoleStack } from './console-fixture';

let stack: ConsoleStack;
beforeAll(async () => {
  stack = await startConsoleStack();
});
afterAll(async () => stack?.close());

describe('web console frame', () => {
  it('serves the home page with GOV.UK Frontend styles, in English and Vietnamese', async () => {
    const page = await stack.newPage();
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Declare a life event once');
    // The stylesheet from the installed govuk-frontend package is applied (its font stack on the headings).
    expect(await page.locator('h1').evaluate((el) => (globalThis as any).getComputedStyle(el).fontFamily as string)).toMatch(/GDS Transport/);
    await checkAccessibility(page);
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Khai báo sự kiện một lần');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await checkAccessibility(page);
    // The choice is remembered in a cookie.
    await page.goto('/');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
  });

  it('signs a citizen in through the identity provider into an HttpOnly session cookie, and out', async () => {
    const page = await stack.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign in' }).first().click();
    await page.waitForURL(/\/auth\/login/);
    await page.getByLabel(new RegExp(FIXTURE_MOTHER.fullName)).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((u) => u.pathname === '/my/cases' || u.pathname === '/');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'console_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
    await page.goto('/');
    expect(await page.getByText(`Signed in as citizen:${FIXTURE_MOTHER.personalId}`).count()).toBe(1);
    await checkAccessibility(page);
    await signOut(page);
    expect((await page.context().cookies()).find((c) => c.name === 'console_session')).toBeUndefined();
    expect(await page.getByText('You have signed out.').count()).toBe(1);
  });

  it('refuses a sign-in callback without the state this browser started, and a form without its CSRF token', async () => {
    const token = await stack.idp.apiToken({ kind: 'citizen', personalId: FIXTURE_MOTHER.personalId });
    // Login CSRF: a token posted from elsewhere without this browser's sign-in state.
    const forged = await fetch(`${stack.url}/sign-in/callback`, { method: 'POST', body: new URLSearchParams({ token, state: 'guessed' }), redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('set-cookie') ?? '').not.toContain('console_session=ey');
    // A signed-in browser's form posted without the session's CSRF token.
    const noCsrf = await fetch(`${stack.url}/sign-out`, { method: 'POST', headers: { cookie: `console_session=${token}` }, body: new URLSearchParams({}), redirect: 'manual' });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.text()).toContain('CSRF_TOKEN_INVALID');
    // A page that needs a session sends the browser to sign in; a forged cookie is no session.
    const anon = await fetch(`${stack.url}/sign-out`, { method: 'POST', headers: { cookie: 'console_session=not-a-token' }, redirect: 'manual' });
    expect(anon.status).toBe(401);
  });

  it('serves GOV.UK Frontend assets from the installed package, and nothing outside it', async () => {
    const css = await fetch(`${stack.url}/assets/govuk-frontend.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${stack.url}/assets/fonts/bold-b542beb274-v2.woff2`)).status).toBe(200);
    expect((await fetch(`${stack.url}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${stack.url}/assets/images/../../../package.json`)).status).not.toBe(200);
  });

  it('keeps the JSON API as it was: a bearer-less API call is still 401', async () => {
    const res = await fetch(`${stack.url}/people/${FIXTURE_MOTHER.personalId}/cases`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('TOKEN_MISSING');
  });
});

