import { randomBytes } from 'node:crypto';
// The SDK's own signing functions (not re-exported from its index): requests built here are signed
// byte for byte as authing-node-sdk 4.x signs them.
import { buildAuthorization, buildStringToSign } from 'authing-node-sdk/dist/utils/buildSignature.js';

export { buildAuthorization, buildStringToSign };

export interface SignedRequest {
  method: 'GET' | 'POST';
  path: string;
  params?: Record<string, unknown>;
  keyId: string;
  secret: string;
  date?: Date;
  nonce?: string;
  /** Changes the request after it was signed (what an attacker on the wire could do). */
  tamper?: (wire: { query: Record<string, unknown>; body: Record<string, unknown> }) => void;
  /** Drops the authorization header. */
  unsigned?: boolean;
  /** `x-authing-lang`: zh-CN (the SDK's default) unless given. */
  lang?: 'zh-CN' | 'en-US';
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The headers the SDK sends (DEFAULT_HEADERS plus lang and date), lower-cased as axios sends them. */
export function sdkHeaders(date = new Date(), nonce = newNonce(), lang: 'zh-CN' | 'en-US' = 'zh-CN'): Record<string, string> {
  return {
    accept: 'application/json',
    'content-type': 'application/json',
    'x-authing-signature-nonce': nonce,
    'x-authing-signature-method': 'HMAC-SHA1',
    'x-authing-signature-version': '1.0',
    'x-authing-sdk-version': 'authing-node-sdk:4.0.1',
    'x-authing-lang': lang,
    date: date.toUTCString(),
  };
}

/** Serialises a GET query as axios does: arrays as `key[]=a&key[]=b`. */
export function axiosQuery(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) search.append(`${key}[]`, String(item));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface Answer {
  status: number;
  body: { statusCode?: number; message?: string; apiCode?: number; requestId?: string; data?: any };
}

/** Signs with the SDK's functions and sends with fetch, so each part can be broken on purpose. */
export async function signedFetch(baseUrl: string, request: SignedRequest): Promise<Answer> {
  const params = request.params ?? {};
  const headers = sdkHeaders(request.date, request.nonce, request.lang);
  const stringToSign = buildStringToSign(request.method, request.path, headers, params);
  const signed: Record<string, string> = { ...headers };
  if (!request.unsigned) signed.authorization = buildAuthorization(request.keyId, request.secret, stringToSign);
  const wire = { query: request.method === 'GET' ? { ...params } : {}, body: request.method === 'GET' ? {} : structuredClone(params) };
  request.tamper?.(wire);
  const response = await fetch(`${baseUrl}${request.path}${axiosQuery(wire.query)}`, {
    method: request.method,
    headers: signed,
    body: request.method === 'GET' ? undefined : JSON.stringify(wire.body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}
