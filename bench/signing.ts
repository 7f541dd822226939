import { randomBytes } from 'node:crypto';
import { sign, stringToSign } from '../src/server/signature.js';

/** Headers and body of a request signed as authing-node-sdk signs it (golden-tested in test/). */
export function signedRequest(keyId: string, secret: string, method: 'GET' | 'POST', path: string, params: Record<string, unknown>) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-authing-signature-nonce': randomBytes(16).toString('hex'),
    'x-authing-signature-method': 'HMAC-SHA1',
    'x-authing-signature-version': '1.0',
    'x-authing-lang': 'zh-CN',
    date: new Date().toUTCString(),
  };
  headers.authorization = `authing ${keyId}:${sign(secret, stringToSign(method, path, headers, params))}`;
  if (method === 'GET') {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (Array.isArray(v)) v.forEach((item) => query.append(`${k}[]`, String(item)));
      else if (v !== undefined) query.append(k, String(v));
    }
    return { method, path: `${path}?${query}`, headers };
  }
  return { method, path, headers, body: JSON.stringify(params) };
}
