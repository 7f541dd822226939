import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';

/** AES-256-GCM; the stored form is `v1:<iv>:<tag>:<ciphertext>`, each base64. */
export function encryptSecret(masterKey: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

export function decryptSecret(masterKey: Buffer, stored: string): string {
  const [version, iv, tag, body] = stored.split(':');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown secret encoding');
  const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}

/** Compares two secrets without letting the time taken reveal where they first differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * decryptSecret, remembered per master key and stored form: a stored form always decrypts to the
 * same secret, so hot paths (client authentication on every token check) decrypt each once.
 * A new secret has a new stored form, so nothing needs forgetting; the oldest go past `capacity`.
 */
export function cachedDecrypter(capacity = 1000): (masterKey: Buffer, stored: string) => string {
  const byKey = new WeakMap<Buffer, Map<string, string>>();
  return (masterKey, stored) => {
    let cache = byKey.get(masterKey);
    if (!cache) byKey.set(masterKey, (cache = new Map()));
    let plain = cache.get(stored);
    if (plain === undefined) {
      plain = decryptSecret(masterKey, stored);
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      cache.set(stored, plain);
    }
    return plain;
  };
}
