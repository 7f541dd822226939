// Every console action is a call to the server's public management API, authorized by the
// administrator's access token: the same endpoints the GenAuth SDKs call, plus ours.
import { currentTokens, forgetTokens } from './auth';
import type { Body, Data, Endpoint, InputArgs, Query } from './types';

export class ApiError extends Error {
  constructor(message: string, readonly statusCode: number, readonly apiCode?: number, readonly requestId?: string) {
    super(message);
  }
}

/** The token was refused or ran out: the console shows sign-in again. */
export class SignedOut extends Error {}

type QueryValues = Record<string, string | number | boolean | string[] | undefined>;

function queryString(query: QueryValues): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function send<T>(method: 'GET' | 'POST', name: string, input: unknown): Promise<T> {
  return (await sendForEnvelope<T>(method, name, input)).data;
}

/** The whole answer: `data` and the request id that names this call in the audit log and receipts. */
async function sendForEnvelope<T>(method: 'GET' | 'POST', name: string, input: unknown): Promise<{ data: T; requestId: string }> {
  const tokens = currentTokens();
  if (!tokens) throw new SignedOut('Your session ended. Sign in again.');
  const url = `/api/v3/${name}${method === 'GET' ? queryString(input as QueryValues) : ''}`;
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${tokens.accessToken}`,
      'x-authing-lang': 'en-US',
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    body: method === 'POST' ? JSON.stringify(input) : undefined,
  });
  if (response.status === 401) {
    forgetTokens();
    throw new SignedOut('Your session ended. Sign in again.');
  }
  const body = (await response.json().catch(() => undefined)) as
    | { statusCode: number; message: string; apiCode?: number; requestId?: string; data: T }
    | undefined;
  if (!body) throw new ApiError(`The server answered ${response.status} without a readable body.`, response.status);
  if (body.statusCode !== 200) throw new ApiError(body.message, body.statusCode, body.apiCode, body.requestId);
  return { data: body.data, requestId: body.requestId ?? '' };
}

// What each endpoint takes and answers is read from the OpenAPI document's types by its name.
type Get = <N extends Endpoint<'get'>>(name: N, ...query: InputArgs<Query<N>>) => Promise<Data<N, 'get'>>;
type Post = <N extends Endpoint<'post'>>(name: N, ...body: InputArgs<Body<N>>) => Promise<Data<N, 'post'>>;
type PostForEnvelope = <N extends Endpoint<'post'>>(name: N, ...body: InputArgs<Body<N>>) => Promise<{ data: Data<N, 'post'>; requestId: string }>;

export const get: Get = (name: string, query: QueryValues = {}) => send('GET', name, query);
export const post: Post = (name: string, body: unknown = {}) => send('POST', name, body);
export const postForEnvelope: PostForEnvelope = (name: string, body: unknown = {}) => sendForEnvelope('POST', name, body);

/** Splits a list into the batches the API takes (50 for resignation). */
export function chunks<T>(items: T[], size = 50): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface Page<T> {
  list: T[];
  totalCount: number;
}
