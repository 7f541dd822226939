import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationClient } from 'authing-node-sdk';

/**
 * A small relying party written the way the SDK's documentation says: /login redirects with
 * loginWithRedirect, /callback finishes with handleRedirectCallback and parseIDToken, /logout
 * goes to buildLogoutUrl. It answers JSON so tests can read what it learnt.
 */
export interface RpApp {
  url: string;
  client: AuthenticationClient;
  /** The last sign-in the callback completed. */
  last?: { tokens: Record<string, any>; idToken: Record<string, any> };
  close(): Promise<void>;
}

export async function startRpApp(options: { appHost: string; appId: () => string; appSecret: () => string; scope?: string }): Promise<RpApp> {
  let client: AuthenticationClient | undefined;
  const rp: RpApp = {
    url: '',
    get client() {
      return client!;
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } as RpApp;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, rp.url);
    try {
      if (url.pathname === '/login') return await rp.client.loginWithRedirect(res, { forced: url.searchParams.has('forced') });
      if (url.pathname === '/callback') {
        const tokens = (await rp.client.handleRedirectCallback(req, res)) as Record<string, any>;
        const idToken = (await rp.client.parseIDToken(tokens.id_token)) as Record<string, any>;
        rp.last = { tokens, idToken };
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify({ signedIn: idToken.sub, name: idToken.name ?? null }));
      }
      if (url.pathname === '/logout') {
        res.setHeader('location', rp.client.buildLogoutUrl({ idToken: rp.last?.tokens.id_token, redirectUri: `${rp.url}/bye`, state: 'bye-state' } as never)!);
        res.statusCode = 302;
        return res.end();
      }
      if (url.pathname === '/bye') {
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify({ signedOut: true, state: url.searchParams.get('state') }));
      }
      res.statusCode = 404;
      res.end();
    } catch (error) {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: String((error as Error).message ?? error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rp.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The client is made lazily: the application is registered with this app's callback URL first.
  const make = () =>
    new AuthenticationClient({
      appId: options.appId(),
      appSecret: options.appSecret(),
      appHost: options.appHost,
      redirectUri: `${rp.url}/callback`,
      logoutRedirectUri: `${rp.url}/bye`,
      scope: options.scope ?? 'openid profile email offline_access',
      timeout: 30000,
    } as never);
  Object.defineProperty(rp, 'client', { get: () => (client ??= make()) });
  return rp;
}
