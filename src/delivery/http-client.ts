import { Agent, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
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

/**
 * undici keeps a pool of keep-alive connections per origin (one request at a time on each, no
 * pipelining: a slow receiver must not hold up the requests queued behind it) and does far less
 * work per request than node:http. Every new connection resolves its name through the guarded
 * lookup, so the address policy is checked before connecting. One agent per policy setting.
 */
const agents = new Map<boolean, Agent>();
function agentFor(refusePrivate: boolean): Agent {
  let agent = agents.get(refusePrivate);
  if (!agent) {
    agent = new Agent({ connections: 64, pipelining: 1, connect: { lookup: guardedLookup(refusePrivate) } });
    agents.set(refusePrivate, agent);
  }
  return agent;
}

/** Checks a URL's host before any request: literal addresses here, names when they resolve. */
export function refusalOfUrl(url: URL, refusePrivate: boolean): string | undefined {
  const literal = literalAddress(url.hostname);
  return literal ? refusalOf(literal, refusePrivate) : undefined;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

interface Target {
  origin: string;
  path: string;
  /** Why the URL itself cannot be sent to (bad URL, protocol, refused literal address). */
  error?: string;
  refused?: boolean;
}

/**
 * What a URL's request goes to, worked out once per URL and setting: a webhook's deliveries all
 * share one, and parsing and checking it again for each of thousands of sends is measurable.
 * Names are still checked at each new connection (guardedLookup), so DNS changes are seen.
 */
const targets = new Map<string, Target>();
const MAX_TARGETS = 1000;

function targetOf(raw: string, refusePrivate: boolean): Target {
  const key = `${refusePrivate ? 1 : 0}${raw}`;
  let target = targets.get(key);
  if (target) return target;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    target = { origin: '', path: '', error: `not a valid URL: ${raw}` };
  }
  if (url) {
    const refusal = url.protocol === 'http:' || url.protocol === 'https:' ? refusalOfUrl(url, refusePrivate) : undefined;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') target = { origin: '', path: '', error: `unsupported protocol ${url.protocol}` };
    else if (refusal) target = { origin: '', path: '', error: `refused: ${refusal}`, refused: true };
    else target = { origin: url.origin, path: `${url.pathname}${url.search}` };
  }
  if (targets.size >= MAX_TARGETS) targets.clear();
  targets.set(key, target!);
  return target!;
}

/** Ends a send whose answer grew past what is worth reading: what arrived is the answer. */
class TooLong extends Error {}

/**
 * POSTs once through undici's dispatch interface: the answer is taken as it streams in, with no
 * per-request AbortController, response stream or async iterator (they cost more than the
 * request itself at thousands of sends a second); the timeout and a shutdown abort the request
 * through its dispatch controller.
 */
export function post(request: OutgoingRequest): Promise<Outcome> {
  const started = performance.now();
  const done = (outcome: Omit<Outcome, 'durationMs'>): Outcome => ({ ...outcome, durationMs: Math.round(performance.now() - started) });
  const target = targetOf(request.url, request.refusePrivate);
  if (target.error) return Promise.resolve(done({ ok: false, error: target.error, ...(target.refused && { refused: true }) }));

  return new Promise((resolve) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let status: number | undefined;
    let headers: Record<string, string> | undefined;
    const chunks: Buffer[] = [];
    let kept = 0;
    let seen = 0;
    const finish = (outcome: Omit<Outcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', abort);
      resolve(done(outcome));
    };
    const answered = () => {
      const ok = status! >= 200 && status! < 300;
      finish({
        ok,
        status,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        error: ok ? undefined : status! >= 300 && status! < 400 ? `answered ${status} (redirects are not followed)` : `answered ${status}`,
      });
    };
    const cut = (reason: Error) => {
      if (controller && !controller.aborted) controller.abort(reason);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, error: `timed out after ${request.timeoutMs} ms` });
      cut(new Error('timed out'));
    }, request.timeoutMs);
    const abort = () => {
      finish({ ok: false, aborted: true, error: 'aborted: the server is stopping' });
      cut(new Error('aborted'));
    };
    if (request.signal?.aborted) return abort();
    request.signal?.addEventListener('abort', abort, { once: true });
    agentFor(request.refusePrivate).dispatch(
      { origin: target.origin, path: target.path, method: 'POST', headers: request.headers, body: request.body },
      {
        onRequestStart(c) {
          controller = c;
          // Timed out or stopped before the request was on a connection.
          if (settled) c.abort(new Error('abandoned'));
        },
        onResponseStart(_c, statusCode, responseHeaders) {
          // 1xx answers are informational: the real one follows.
          if (statusCode < 200) return;
          status = statusCode;
          headers = flatHeaders(responseHeaders);
        },
        onResponseData(c, chunk) {
          seen += chunk.length;
          if (kept < request.maxBodyBytes) {
            const part = chunk.subarray(0, request.maxBodyBytes - kept);
            chunks.push(part);
            kept += part.length;
          } else if (seen > request.maxBodyBytes * 16) {
            // Past a sane size the rest is not worth reading: drop the connection.
            c.abort(new TooLong());
          }
        },
        onResponseEnd() {
          answered();
        },
        onResponseError(_c, error) {
          // The answer was cut off (by us or the peer) after it began: what arrived is kept, as with a short body.
          if (status !== undefined) return answered();
          const cause = refusedIn(error);
          if (cause) finish({ ok: false, refused: true, error: `refused: ${cause.message}` });
          else finish({ ok: false, error: `request failed: ${messageOf(error)}` });
        },
      },
    );
  });
}

/** The lookup's refusal, however the connector wrapped it. */
function refusedIn(error: unknown): Refused | undefined {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) if (e instanceof Refused) return e;
  return undefined;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici names a failed connection with a generic message and keeps the system error as the cause.
  const cause = (error as { cause?: unknown }).cause;
  return error.message === 'fetch failed' && cause instanceof Error ? cause.message : error.message;
}
