import { expect } from 'vitest';
import type { TestServer } from './server.js';
import { Agent, authorizeUrl, pkcePair, redirectParams, tokenRequest } from './hosted.js';

/** What the console does: code + PKCE S256 through the hosted page, then the token endpoint. */
export async function consoleSignIn(t: TestServer, account: string, options: { clientId?: string; password?: string } = {}) {
  const config = await fetch(`${t.url}/api/v3/console-config`).then((r) => r.json() as Promise<{ data: { clientId: string; redirectUri: string; scope: string } }>);
  const clientId = options.clientId ?? config.data.clientId;
  const { verifier, challenge } = pkcePair();
  const agent = new Agent(t.url);
  const url = authorizeUrl(t.url, {
    client_id: clientId, redirect_uri: config.data.redirectUri, response_type: 'code', scope: config.data.scope, code_challenge: challenge, code_challenge_method: 'S256', state: 'console',
  });
  const params = redirectParams(await agent.signIn(url, account, options.password ?? 'Correct-horse-1'));
  expect(params.get('error')).toBeNull();
  const tokens = await tokenRequest(t.url, { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: config.data.redirectUri, client_id: clientId, code_verifier: verifier });
  expect(tokens.status).toBe(200);
  return tokens.body as { access_token: string; id_token: string; refresh_token?: string };
}

export interface BearerAnswer {
  status: number;
  body: { statusCode?: number; message?: string; apiCode?: number; requestId?: string; data?: any };
}

/** A management call as the console makes it: the administrator's access token, no signature. */
export async function bearerCall(t: TestServer, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<BearerAnswer> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
  });
  return { status: response.status, body: (await response.json()) as BearerAnswer['body'] };
}
