import { SignJWT } from 'jose';
import { newId } from '../lib/ids.js';
import * as applications from '../store/applications.js';
import type { Db, Tx } from '../store/database.js';
import type { EndedSession } from '../store/tokens.js';
import { backchannelLogoutUri } from './applications.js';
import type { Deps } from './context.js';
import { SIGNING_ALG, currentSigningKey } from './signing-keys.js';
import { queueLogoutToken } from './backchannel-queue.js';

export const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** Long enough for every retry of the delivery to arrive while the token is still valid. */
export const LOGOUT_TOKEN_SECONDS = 15 * 60;

/**
 * OpenID Connect Back-Channel Logout 1.0: for each ended session whose application has a
 * back-channel logout URI, a signed logout_token (iss, aud, iat, jti, sub, sid, events; no nonce)
 * is queued for delivery in the caller's transaction, so it is sent if and only if the sessions
 * really ended. One token per application and `sid`: a provider session that reached an
 * application twice is one logout there. The `iss` is the issuer the session's tokens carried.
 */
export async function announceLogout(trx: Tx, deps: Deps, ended: EndedSession[]): Promise<number> {
  if (ended.length === 0) return 0;
  const appIds = [...new Set(ended.map((s) => s.app_id))];
  const apps = await applications.findApplications(trx, ended[0].pool_id, appIds);
  const uris = new Map(apps.flatMap((app) => {
    const uri = backchannelLogoutUri(app);
    return uri ? [[app.id, uri] as const] : [];
  }));
  const wanted = new Map<string, EndedSession & { sid: string; iss: string }>();
  for (const session of ended) {
    const iss = session.issuer ?? deps.policy.oidcIssuer;
    if (!uris.has(session.app_id) || !iss) continue;
    const sid = session.provider_session_id ?? session.id;
    wanted.set(`${session.app_id} ${sid}`, { ...session, sid, iss });
  }
  if (wanted.size === 0) return 0;
  // The key is read through the transaction: on SQLite another handle would wait for it forever.
  // The pool's own key: a logout token is checked against the JWKS of the issuer it names.
  const { kid, key } = await currentSigningKey({ ...deps, db: trx as unknown as Db }, ended[0].pool_id);
  const iat = Math.floor(Date.now() / 1000);
  for (const session of wanted.values()) {
    const token = await new SignJWT({ sid: session.sid, events: { [BACKCHANNEL_EVENT]: {} } })
      .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'logout+jwt' })
      .setIssuer(session.iss)
      .setSubject(session.user_id)
      .setAudience(session.app_id)
      .setIssuedAt(iat)
      .setExpirationTime(iat + LOGOUT_TOKEN_SECONDS)
      .setJti(newId())
      .sign(key);
    await queueLogoutToken(trx, { poolId: session.pool_id, appId: session.app_id, url: uris.get(session.app_id)!, token });
  }
  return wanted.size;
}
