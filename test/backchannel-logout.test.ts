import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { createApp, createUser } from './helpers/apps.js';
import { Agent, authorizeUrl, redirectParams, tokenRequest } from './helpers/hosted.js';

/** An application's back-channel endpoint: records each logout_token; can be told to fail first. */
interface Receiver {
  url: string;
  tokens: string[];
  failNext: number;
  server: Server;
}

async function startReceiver(): Promise<Receiver> {
  const receiver = { tokens: [] as string[], failNext: 0 } as Receiver;
  receiver.server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (receiver.failNext > 0) {
        receiver.failNext--;
        res.statusCode = 503;
        return res.end();
      }
      const token = new URLSearchParams(body).get('logout_token');
      if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') && token) receiver.tokens.push(token);
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/backchannel`;
  return receiver;
}

const t = useTestServer();
let receiver: Receiver;
let app: { appId: string; secret: string };
let quiet: { appId: string; secret: string };
const CALLBACK = 'https://rp.example.com/cb';

beforeAll(async () => {
  receiver = await startReceiver();
  app = await createApp(t, { redirectUris: [CALLBACK], logoutRedirectUris: ['https://rp.example.com/bye'], oidcConfig: { backchannel_logout_uri: receiver.url } });
  quiet = await createApp(t, { redirectUris: [CALLBACK] });
});
afterAll(async () => {
  receiver?.server.close();
});

async function signedIn(target = app) {
  const user = await createUser(t);
  const agent = new Agent(t.url);
  const url = authorizeUrl(t.url, { client_id: target.appId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid offline_access', nonce: 'n' });
  const code = redirectParams(await agent.signIn(url, user.email, 'Correct-horse-1')).get('code')!;
  const { body } = await tokenRequest(t.url, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: target.appId, client_secret: target.secret });
  return { user, agent, tokens: body, sid: decodeJwt(body.id_token).sid as string };
}

/** Waits for the logout token naming this sid, and checks it as an RP must (spec section 2.6). */
async function logoutTokenFor(sid: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  const jwks = createRemoteJWKSet(new URL(`${t.url}/oidc/.well-known/jwks.json`));
  while (Date.now() < deadline) {
    for (const token of receiver.tokens) {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: `${t.url}/oidc`, audience: app.appId, typ: 'logout+jwt' });
      if (payload.sid === sid) return { payload, protectedHeader };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no logout token for sid ${sid}`);
}

const expectDeadAccess = async (accessToken: string) => {
  const answer = await fetch(`${t.url}/oidc/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(answer.status).toBe(401);
};

describe('OpenID Connect Back-Channel Logout', () => {
  it('RP-initiated logout sends the application a signed logout_token naming the session', async () => {
    const { user, agent, tokens, sid } = await signedIn();
    const out = await agent.get(`/oidc/session/end?id_token_hint=${tokens.id_token}`);
    expect(out.status).toBe(200);
    const { payload } = await logoutTokenFor(sid);
    expect(payload).toMatchObject({ sub: user.userId, sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
    expect(payload.nonce).toBeUndefined();
    expect(typeof payload.jti).toBe('string');
    await expectDeadAccess(tokens.access_token);
  });

  it('resignation reaches the application by back channel', async () => {
    const { user, tokens, sid } = await signedIn();
    expect((await t.management.resignUser({ userId: user.userId } as never)).statusCode).toBe(200);
    expect((await logoutTokenFor(sid)).payload.sub).toBe(user.userId);
    await expectDeadAccess(tokens.access_token);
  });

  it('kick-users reaches the application by back channel', async () => {
    const { user, sid } = await signedIn();
    expect((await t.management.kickUsers({ userId: user.userId, appIds: [app.appId] })).statusCode).toBe(200);
    expect((await logoutTokenFor(sid)).payload.sub).toBe(user.userId);
  });

  it('withdrawn access ends the session at once and tells the application; a user still allowed keeps theirs', async () => {
    const denied = await signedIn();
    const kept = await signedIn();
    const answer = await t.management.authorizeApplicationAccess({ appId: app.appId, list: [{ targetType: 'USER', targetIdentifier: [denied.user.userId], effect: 'DENY' }] } as never);
    expect(answer.statusCode).toBe(200);
    expect((await logoutTokenFor(denied.sid)).payload.sub).toBe(denied.user.userId);
    await expectDeadAccess(denied.tokens.access_token);
    const me = await fetch(`${t.url}/oidc/me`, { headers: { authorization: `Bearer ${kept.tokens.access_token}` } });
    expect(me.status).toBe(200);
  });

  it('retries a back-channel endpoint that fails at first', async () => {
    const { user, agent, tokens, sid } = await signedIn();
    receiver.failNext = 1;
    await agent.get(`/oidc/session/end?id_token_hint=${tokens.id_token}`);
    expect((await logoutTokenFor(sid, 40_000)).payload.sub).toBe(user.userId);
    expect(receiver.failNext).toBe(0);
  });

  it('applications without a back-channel URI are not called', async () => {
    const before = receiver.tokens.length;
    const { user, sid } = await signedIn(quiet);
    expect((await t.management.resignUser({ userId: user.userId } as never)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.tokens.slice(before).map((tk) => decodeJwt(tk).sid)).not.toContain(sid);
  });
});
