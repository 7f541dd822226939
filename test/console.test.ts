import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDirectory } from '../src/server/console.js';
import { useTestServer } from './helpers/server.js';
import { launchChromium, seriousA11yViolations, watchErrors } from './helpers/browser.js';

const t = useTestServer();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the console is served at /console', () => {
  it('answers the page at /console and at any path below it, revalidated, under a CSP that allows nothing inline or foreign', async () => {
    for (const path of ['/console', '/console/', '/console/users/0123456789abcdef01234567', '/console/audit?x=1']) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(await response.text()).toContain('<div id="root"></div>');
    }
  });

  it('caches hashed assets for a year, compressed as the browser accepts, and answers a missing asset 404 instead of the page', async () => {
    const assets = readdirSync(join(consoleDirectory()!, 'assets')).filter((name) => /\.(js|css)$/.test(name));
    expect(assets.some((name) => name.endsWith('.js'))).toBe(true);
    for (const name of assets) {
      const plain = await fetch(`${t.url}/console/assets/${name}`, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const compressed = await fetch(`${t.url}/console/assets/${name}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(compressed.headers.get('content-encoding')).toBe('gzip');
      expect(await compressed.text()).toBe(await plain.text()); // fetch decodes gzip: the same file
    }
    const missing = await fetch(`${t.url}/console/assets/index-00000000.js`);
    expect(missing.status).toBe(404);
  });

  it('in chromium, shows a labelled sign-in page with no errors and no serious accessibility violations; signing in goes to the hosted page with PKCE S256', async () => {
    const context = await browser.newContext();
    const errors = watchErrors(context);
    const page = await context.newPage();
    await page.goto(`${t.url}/console/users`);
    const button = page.getByRole('button', { name: 'Sign in' });
    await button.waitFor();
    expect(await page.title()).toBe('Userpool console');
    expect(await seriousA11yViolations(page)).toEqual([]);
    const authorize = page.waitForRequest((request) => request.url().startsWith(`${t.url}/oidc/auth?`));
    await button.focus();
    await page.keyboard.press('Enter');
    const url = new URL((await authorize).url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'userpool-console',
      redirect_uri: `${t.url}/console/callback`,
      response_type: 'code',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a callback that this tab did not start is refused with a way to sign in again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.url}/console/callback?code=forged&state=forged&iss=${encodeURIComponent(`${t.url}/oidc`)}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not started from this tab');
    expect(new URL(page.url()).pathname).toBe('/console/');
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    await context.close();
  });
});
