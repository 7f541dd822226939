import { createHash, hkdfSync } from 'node:crypto';
import * as applications from '../store/applications.js';
import type { ApplicationRow } from '../store/applications.js';
import { decryptSecret, encryptSecret } from '../lib/secrets.js';
import { parseJson } from '../store/values.js';
import { isPublicClient } from './applications.js';
import { consoleRedirects } from './console-client.js';
import type { Deps } from './context.js';

/** The parameters of an authorization request as they arrive (query or form). */
export type RawAuthorizeParams = Record<string, string | undefined>;

export type ResponseMode = 'query' | 'form_post';
export const PROMPTS = ['login', 'none', 'consent'] as const;
export type Prompt = (typeof PROMPTS)[number];

/** A checked authorization request: everything the code and the tokens will be issued from. */
export interface AuthRequest {
  clientId: string;
  poolId: string;
  redirectUri: string;
  responseMode: ResponseMode;
  scope: string;
  state?: string;
  nonce?: string;
  prompt: Prompt[];
  maxAge?: number;
  loginHint?: string;
  codeChallenge?: string;
}

/** Shown on the provider's own page: the client or its redirect_uri cannot be trusted with an answer. */
export class AuthorizePageError extends Error {
  constructor(readonly error: string, description: string) {
    super(description);
  }
}

/** Sent back to the registered redirect_uri (RFC 6749 4.1.2.1). */
export class AuthorizeRedirectError extends Error {
  constructor(readonly error: string, description: string) {
    super(description);
  }
}

const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Finds the client and its redirect_uri first: until both are known to be registered together,
 * every error is an AuthorizePageError (never redirected, or the provider would be an open
 * redirector). The redirect_uri must equal a registered one exactly, character for character.
 */
export async function resolveClient(deps: Deps, raw: RawAuthorizeParams, poolId: string | undefined, issuer?: string): Promise<{ app: ApplicationRow; redirectUri: string }> {
  const clientId = raw.client_id;
  if (!clientId) throw new AuthorizePageError('invalid_request', 'client_id is missing');
  const app = await applications.findApplicationByClientId(deps.db, clientId);
  if (!app || (poolId !== undefined && app.pool_id !== poolId)) throw new AuthorizePageError('invalid_client', `client_id "${clientId}" is not an application of this user pool`);
  const redirectUri = raw.redirect_uri;
  if (!redirectUri) throw new AuthorizePageError('invalid_request', 'redirect_uri is missing');
  const registered = [...parseJson<string[]>(app.redirect_uris, []), ...consoleRedirects(app, issuer).login];
  if (!registered.includes(redirectUri)) throw new AuthorizePageError('invalid_request', `redirect_uri "${redirectUri}" is not registered for this application`);
  return { app, redirectUri };
}

/** The rest of the request, once errors can go back to the client. */
export function checkAuthorizeParams(app: ApplicationRow, redirectUri: string, raw: RawAuthorizeParams): AuthRequest {
  const fail = (error: string, description: string) => new AuthorizeRedirectError(error, description);
  if (raw.request !== undefined) throw fail('request_not_supported', 'request objects are not supported');
  if (raw.request_uri !== undefined) throw fail('request_uri_not_supported', 'request_uri is not supported');
  if (raw.response_type !== 'code') throw fail('unsupported_response_type', `response_type: "${raw.response_type ?? ''}" is not supported; use code`);
  const responseMode = raw.response_mode ?? 'query';
  if (responseMode !== 'query' && responseMode !== 'form_post') throw fail('invalid_request', `response_mode: "${responseMode}" is not supported; use query or form_post`);
  const scopes = (raw.scope ?? '').split(' ').filter(Boolean);
  if (!scopes.includes('openid')) throw fail('invalid_scope', 'scope: must include openid');
  if (scopes.some((s) => !SCOPE_TOKEN.test(s)) || (raw.scope ?? '').length > 1024) throw fail('invalid_scope', 'scope: malformed');
  const prompt = (raw.prompt ?? '').split(' ').filter(Boolean);
  const unknown = prompt.filter((p) => !(PROMPTS as readonly string[]).includes(p));
  if (unknown.length) throw fail('invalid_request', `prompt: "${unknown[0]}" is not supported; use login, none or consent`);
  if (prompt.includes('none') && prompt.length > 1) throw fail('invalid_request', 'prompt: none cannot be combined with other values');
  let maxAge: number | undefined;
  if (raw.max_age !== undefined) {
    if (!/^\d{1,9}$/.test(raw.max_age)) throw fail('invalid_request', 'max_age: must be a non-negative integer of seconds');
    maxAge = Number(raw.max_age);
  }
  const method = raw.code_challenge_method;
  const challenge = raw.code_challenge;
  if (challenge === undefined) {
    if (method !== undefined) throw fail('invalid_request', 'code_challenge: is required with code_challenge_method');
    if (isPublicClient(app)) throw fail('invalid_request', 'code_challenge: PKCE with S256 is required for this public client (spa or native application)');
  } else {
    if ((method ?? 'plain') !== 'S256') throw fail('invalid_request', `code_challenge_method: "${method ?? 'plain'}" is not allowed; use S256`);
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw fail('invalid_request', 'code_challenge: must be the base64url SHA-256 of the code_verifier (43 characters)');
  }
  for (const name of ['state', 'nonce', 'login_hint'] as const) {
    if ((raw[name]?.length ?? 0) > 2048) throw fail('invalid_request', `${name}: longer than 2048 characters`);
  }
  return {
    clientId: app.id,
    poolId: app.pool_id,
    redirectUri,
    responseMode,
    scope: [...new Set(scopes)].join(' '),
    state: raw.state,
    nonce: raw.nonce,
    prompt: prompt as Prompt[],
    maxAge,
    loginHint: raw.login_hint,
    codeChallenge: challenge,
  };
}

/** RFC 7636: does the verifier hash to the challenge? */
export function pkceMatches(verifier: string | undefined, challenge: string): boolean {
  if (!verifier || !PKCE_VALUE.test(verifier)) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}
export const pkceVerifierIsWellFormed = (verifier: string) => PKCE_VALUE.test(verifier);

/**
 * What the sign-in and consent forms carry between the request and the answer: the checked
 * request, sealed (AES-256-GCM under a key derived from the master key) so it cannot be altered,
 * bound to the browser's own cookie (a form posted from another browser is refused: CSRF and
 * login CSRF), and short-lived.
 */
export interface SealedForm {
  /** The sign-in and consent forms: the checked authorization request. */
  request: AuthRequest;
  /** SHA-256 of the browser cookie the form was served to. */
  browser: string;
  /** Epoch milliseconds after which the form is refused. */
  expires: number;
  /** The consent form: the provider session and its user asked to consent. */
  providerSessionId?: string;
}

export const FORM_SECONDS = 15 * 60;

function formKey(deps: Deps): Buffer {
  return Buffer.from(hkdfSync('sha256', deps.masterKey, Buffer.alloc(0), 'userpool hosted sign-in forms', 32));
}

export const browserHash = (browser: string) => createHash('sha256').update(`browser:${browser}`).digest('base64url');

export function sealForm(deps: Deps, form: Omit<SealedForm, 'expires' | 'browser'>, browser: string): string {
  const sealed: SealedForm = { ...form, browser: browserHash(browser), expires: Date.now() + FORM_SECONDS * 1000 };
  return encryptSecret(formKey(deps), JSON.stringify(sealed));
}

/** The sealed form, when it is intact, unexpired and was served to this browser. */
export function openForm(deps: Deps, value: string | undefined, browser: string | undefined): SealedForm | 'expired' | undefined {
  if (!value || !browser || value.length > 8192) return undefined;
  let form: SealedForm;
  try {
    form = JSON.parse(decryptSecret(formKey(deps), value)) as SealedForm;
  } catch {
    return undefined;
  }
  if (form.browser !== browserHash(browser)) return undefined;
  return form.expires < Date.now() ? 'expired' : form;
}
