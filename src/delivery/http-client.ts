import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { literalAddress, refusalOf } from '../lib/address-policy.js';

/**
 * The one HTTP client that sends deliveries out of the server. It POSTs once and reports what
 * happened; it never follows a redirect (a 3xx is an answer, not a new target), gives up after
 * `timeoutMs`, keeps at most `maxBodyBytes` of the answer, and checks every address the target
 * resolves to against the address policy before connecting (so DNS cannot point a name that
 * passed at create time to a refused address later). Connections are kept alive per origin.
 */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  refusePrivate: boolean;
  maxBodyBytes: number;
  /** Aborts the request (the server is stopping); the outcome then has `aborted`. */
  signal?: AbortSignal;
}

export interface Outcome {
  /** Present when an HTTP answer came back. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Why there is no (successful) answer: refused address, timeout, connection error, non-2xx. */
  error?: string;
  ok: boolean;
  /** The address policy refused the target: trying again will not help. */
  refused?: boolean;
  aborted?: boolean;
  durationMs: number;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 }),
};

class Refused extends Error {}

function guardedLookup(refusePrivate: boolean) {
  return (hostname: string, options: object, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses as LookupAddress[];
      for (const entry of list) {
        const refusal = refusalOf(entry.address, refusePrivate);
        if (refusal) return callback(new Refused(`${hostname} resolves to ${refusal}`), '');
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** Checks a URL's host before any request: literal addresses here, names when they resolve. */
export function refusalOfUrl(url: URL, refusePrivate: boolean): string | undefined {
  const literal = literalAddress(url.hostname);
  return literal ? refusalOf(literal, refusePrivate) : undefined;
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

export function post(request: OutgoingRequest): Promise<Outcome> {
  const started = performance.now();
  const done = (outcome: Omit<Outcome, 'durationMs'>): Outcome => ({ ...outcome, durationMs: Math.round(performance.now() - started) });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return Promise.resolve(done({ ok: false, error: `not a valid URL: ${request.url}` }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.resolve(done({ ok: false, error: `unsupported protocol ${url.protocol}` }));
  const refusal = refusalOfUrl(url, request.refusePrivate);
  if (refusal) return Promise.resolve(done({ ok: false, refused: true, error: `refused: ${refusal}` }));

  return new Promise((resolve) => {
    let settled = false;
    // Set below once the request exists; removed as soon as the outcome is known.
    let abort = () => {};
    const finish = (outcome: Omit<Outcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', abort);
      resolve(done(outcome));
    };
    const body = Buffer.from(request.body, 'utf8');
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
      headers: { ...request.headers, 'content-length': String(body.length) },
      lookup: guardedLookup(request.refusePrivate) as never,
    });
    const timer = setTimeout(() => {
      finish({ ok: false, error: `timed out after ${request.timeoutMs} ms` });
      req.destroy();
    }, request.timeoutMs);
    req.on('error', (error) => {
      if (error instanceof Refused) finish({ ok: false, refused: true, error: `refused: ${error.message}` });
      else finish({ ok: false, error: `request failed: ${error.message}` });
    });
    abort = () => {
      finish({ ok: false, aborted: true, error: 'aborted: the server is stopping' });
      req.destroy();
    };
    if (request.signal?.aborted) abort();
    else request.signal?.addEventListener('abort', abort, { once: true });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < request.maxBodyBytes) {
          const part = chunk.subarray(0, request.maxBodyBytes - kept);
          chunks.push(part);
          kept += part.length;
        } else if (kept + chunk.length > request.maxBodyBytes * 16) {
          // Past a sane size the rest is not worth reading: drop the connection.
          res.destroy();
        }
      });
      const answer = () => {
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        finish({
          ok,
          status,
          headers: flatHeaders(res.headers),
          body: Buffer.concat(chunks).toString('utf8'),
          error: ok ? undefined : status >= 300 && status < 400 ? `answered ${status} (redirects are not followed)` : `answered ${status}`,
        });
      };
      res.on('end', answer);
      res.on('close', answer);
      res.on('error', answer);
    });
    req.end(body);
  });
}
