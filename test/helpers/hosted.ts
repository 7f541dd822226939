import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/**
 * A minimal user agent for the hosted pages without a browser: keeps cookies, does not follow
 * redirects, and fills in and posts the sign-in form the way a person would.
 */
export class Agent {
  jar = new Map<string, string>();

  constructor(readonly base: string) {}

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const response = await fetch(url.startsWith('http') ? url : `${this.base}${url}`, { redirect: 'manual', headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(response);
    return response;
  }

  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(url.startsWith('http') ? url : `${this.base}${url}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
    this.remember(response);
    return response;
  }

  /** Opens the authorization URL, expects the sign-in page, posts the account and password. */
  async signIn(authorizeUrl: string, account: string, password: string) {
    const page = await this.get(authorizeUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    return this.post(formAction(html), { form: hiddenForm(html), account, password });
  }
}

export const hiddenForm = (html: string) => {
  const match = /name="form" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no form on the page: ${html.slice(0, 400)}`);
  return match[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
};
export const formAction = (html: string) => {
  const match = /<form method="post" action="([^"]+)"/.exec(html);
  if (!match) throw new Error('no form action on the page');
  return match[1];
};

/** The query of a redirect answer. */
export function redirectParams(response: Response): URLSearchParams {
  expect([302, 303]).toContain(response.status);
  return new URL(response.headers.get('location')!).searchParams;
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(base: string, params: Record<string, string | undefined>) {
  const url = new URL(`${base}/oidc/auth`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export async function tokenRequest(base: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
