import { createHmac } from 'node:crypto';
import { safeEqual } from '../lib/secrets.js';

type Headers = Record<string, string | string[] | undefined>;

function headerValue(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(', ') : String(value ?? '');
  return text.replace(/[\t\n\r\f]/g, ' ').trim();
}

function canonicalHeaders(headers: Headers): string {
  return Object.keys(headers)
    .filter((name) => name.startsWith('x-authing-') || name === 'date')
    .sort()
    .map((name) => `${name}:${headerValue(headers[name])}\n`)
    .join('');
}

function canonicalValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function canonicalResource(path: string, params: Record<string, unknown>, emptyMark: boolean): string {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return emptyMark ? `${path}?` : path;
  const pairs = keys.filter((k) => params[k] !== undefined).map((k) => `${k}=${canonicalValue(params[k])}`);
  return `${path}?${pairs.join('&')}`;
}

/**
 * The string authing-node-sdk 4.x signs (src/utils/buildSignature.ts): the method, the sorted
 * `x-authing-*` and `date` headers, then the path with the sorted query (GET) or the sorted
 * top-level body fields (other methods), objects JSON-encoded.
 */
export function stringToSign(method: string, path: string, headers: Headers, params: Record<string, unknown>, emptyMark = false): string {
  return `${method.toUpperCase()}\n${canonicalHeaders(headers)}${canonicalResource(path, params, emptyMark)}`;
}

export function sign(secret: string, text: string): string {
  return createHmac('sha1', secret).update(Buffer.from(text, 'utf8')).digest('base64');
}

export function parseAuthorization(header: string | undefined): { keyId: string; signature: string } | undefined {
  const match = /^authing ([^:\s]+):(\S+)$/.exec(header ?? '');
  return match ? { keyId: match[1], signature: match[2] } : undefined;
}

/**
 * True when `signature` matches. The SDK signs `path?` when it was given only undefined params
 * (they vanish on the wire), so with no params both forms are tried. It also signs an empty GET
 * array as `key=[]` while axios leaves the key off the wire: `absentArrays` names the array
 * params the route declares but the query lacks, and each combination of them as `[]` is tried
 * (a handful at most). Each comparison is constant-time.
 */
export function verifySignature(
  secret: string,
  signature: string,
  request: { method: string; path: string; headers: Headers; params: Record<string, unknown> },
  absentArrays: string[] = [],
): boolean {
  const matches = (params: Record<string, unknown>, emptyMark = false) =>
    safeEqual(sign(secret, stringToSign(request.method, request.path, request.headers, params, emptyMark)), signature);
  if (matches(request.params)) return true;
  if (Object.keys(request.params).length === 0 && matches(request.params, true)) return true;
  const candidates = absentArrays.slice(0, 4);
  for (let mask = 1; mask < 1 << candidates.length; mask += 1) {
    const params = { ...request.params };
    candidates.forEach((key, bit) => {
      if (mask & (1 << bit)) params[key] = [];
    });
    if (matches(params)) return true;
  }
  return false;
}
