import { exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/database.js';
import * as store from '../store/signing-keys.js';
import { decryptSecret, encryptSecret } from '../lib/secrets.js';
import { nowIso, parseJson, toJson } from '../store/values.js';
import type { Deps } from './context.js';

export const SIGNING_ALG = 'RS256';
const DAY = 86_400_000;

/** A new key signs after SIGNING_KEY_ROTATE_DAYS; the old one stays published until its tokens expired. */
function rotateAfterMs(deps: Deps): number {
  return deps.policy.signingKeyRotateDays * DAY;
}
/** Longest a token may live (the refresh-token ceiling of applications), so older keys can go. */
const RETIRE_AFTER_MS = 400 * DAY;
/** How long a process trusts its list of keys before asking the database again. */
const CACHE_MS = 60_000;

interface LoadedKey {
  kid: string;
  createdAt: number;
  publicJwk: JWK;
  verify: CryptoKey;
  sign?: CryptoKey;
}

interface KeyCache {
  at: number;
  keys: LoadedKey[];
  loading?: Promise<LoadedKey[]>;
}

// Keyed by database handle: several servers in one process (tests) each keep their own.
const caches = new WeakMap<Db, KeyCache>();

async function load(deps: Deps): Promise<LoadedKey[]> {
  const rows = await store.listSigningKeys(deps.db);
  return Promise.all(
    rows.map(async (row) => {
      const publicJwk = parseJson<JWK>(row.public_jwk, {});
      return {
        kid: row.kid,
        createdAt: Date.parse(row.created_at),
        publicJwk,
        verify: (await importJWK(publicJwk, row.alg)) as CryptoKey,
      };
    }),
  );
}

async function keys(deps: Deps, force = false): Promise<LoadedKey[]> {
  let cache = caches.get(deps.db);
  if (!cache) caches.set(deps.db, (cache = { at: 0, keys: [] }));
  if (!force && Date.now() - cache.at < CACHE_MS) return cache.keys;
  const entry = cache;
  entry.loading ??= load(deps).finally(() => (entry.loading = undefined));
  const loaded = await entry.loading;
  // Keep the private keys already decrypted for kids that are still there.
  const old = new Map(entry.keys.map((k) => [k.kid, k]));
  entry.keys = loaded.map((k) => ({ ...k, sign: old.get(k.kid)?.sign }));
  entry.at = Date.now();
  return entry.keys;
}

async function createKey(deps: Deps): Promise<void> {
  const pair = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const kid = randomBytes(12).toString('hex');
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  const now = nowIso();
  await store.insertSigningKey(deps.db, {
    kid,
    alg: SIGNING_ALG,
    public_jwk: toJson(publicJwk),
    private_enc: encryptSecret(deps.masterKey, await exportPKCS8(pair.privateKey)),
    created_at: now,
  });
  await store.deleteSigningKeysBefore(deps.db, new Date(Date.now() - RETIRE_AFTER_MS).toISOString(), kid);
}

/**
 * The newest key, made on first use and replaced once older than SIGNING_KEY_ROTATE_DAYS. Two
 * processes rotating at the same moment each add a key; both are published, so either works.
 */
export async function currentSigningKey(deps: Deps): Promise<{ kid: string; key: CryptoKey }> {
  let list = await keys(deps);
  if (list.length === 0 || Date.now() - list[0].createdAt > rotateAfterMs(deps)) {
    list = await keys(deps, true);
    if (list.length === 0 || Date.now() - list[0].createdAt > rotateAfterMs(deps)) {
      await createKey(deps);
      list = await keys(deps, true);
    }
  }
  const newest = list[0];
  if (!newest.sign) {
    const row = (await store.listSigningKeys(deps.db)).find((r) => r.kid === newest.kid)!;
    newest.sign = (await importPKCS8(decryptSecret(deps.masterKey, row.private_enc), SIGNING_ALG)) as CryptoKey;
  }
  return { kid: newest.kid, key: newest.sign };
}

/** The public key for a token's kid; a kid this process has not seen yet reloads the list once. */
export async function verificationKey(deps: Deps, kid: string | undefined): Promise<CryptoKey | undefined> {
  if (!kid) return undefined;
  const found = (await keys(deps)).find((k) => k.kid === kid);
  if (found) return found.verify;
  // At most one reload a second, so tokens with made-up kids cannot hammer the database.
  if (Date.now() - (caches.get(deps.db)?.at ?? 0) < 1000) return undefined;
  return (await keys(deps, true)).find((k) => k.kid === kid)?.verify;
}

export async function publicJwks(deps: Deps): Promise<{ keys: JWK[] }> {
  await currentSigningKey(deps);
  return { keys: (await keys(deps)).map((k) => k.publicJwk) };
}
