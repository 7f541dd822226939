import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeValidation } from './error-handler.js';

/**
 * Checks every request's input gets before anything reads it, whatever the route: no schema
 * can state them once for all routes, and each one crashed a route that forgot it.
 */

/** Deeper than any body the SDKs or SCIM clients send; deep enough bodies overflow recursive walks (the signature check's JSON.stringify). */
export const MAX_BODY_DEPTH = 64;

/** A parsed JSON body nested too deep: answered 400 naming the top-level field, before any hook walks it. */
export class BodyTooDeepError extends Error {
  readonly statusCode = 400;
  readonly code = 'USERPOOL_BODY_TOO_DEEP';
  constructor(readonly field: string) {
    super(`${field}: nested more than ${MAX_BODY_DEPTH} levels deep`);
  }
}

/**
 * The top-level field (or `body` when the body itself is the array) whose value nests deeper than
 * MAX_BODY_DEPTH, undefined when none does. Iterative, so the check cannot overflow itself.
 */
export function tooDeepField(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const roots: Array<[string, unknown]> = Array.isArray(body) ? [['body', body]] : Object.entries(body);
  for (const [field, value] of roots) {
    const stack: Array<[unknown, number]> = [[value, Array.isArray(body) ? 1 : 2]];
    while (stack.length > 0) {
      const [item, depth] = stack.pop()!;
      if (typeof item !== 'object' || item === null) continue;
      if (depth > MAX_BODY_DEPTH) return field;
      for (const child of Array.isArray(item) ? item : Object.values(item)) {
        if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
      }
    }
  }
  return undefined;
}

interface NulField {
  instancePath: string;
  message: string;
  keyword: 'nul';
}

const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';
const MAX_REPORTED = 10;

/** JSON-pointer-like paths of strings and keys holding U+0000, at most MAX_REPORTED of them. */
export function nulFields(input: unknown): NulField[] {
  const found: NulField[] = [];
  const stack: Array<[unknown, string]> = [[input, '']];
  while (stack.length > 0 && found.length < MAX_REPORTED) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) found.push({ instancePath: path, message: NUL_MESSAGE, keyword: 'nul' });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    // Pushed in reverse so that fields are reported in the order they came.
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, child] = entries[i];
      const childPath = `${path}/${key.replace(/\u0000/g, '\\u0000')}`;
      if (key.includes('\u0000')) found.push({ instancePath: childPath, message: NUL_MESSAGE, keyword: 'nul' });
      else stack.push([child, childPath]);
    }
  }
  return found;
}

/**
 * Refuses U+0000 in any string of the query, the body or the path parameters, on every route.
 * PostgreSQL cannot store it in text and fails the whole statement; SQLite would store it and cut
 * the value short wherever C strings are used. The refusal is a validation error, so that each
 * family answers it in its own format (the envelope, SCIM's error, OAuth's `invalid_request`, a
 * page for the hosted sign-in routes). It runs after the signature check, as validation does.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    for (const [context, input] of [['querystring', request.query], ['body', request.body], ['params', request.params]] as const) {
      const found = nulFields(input);
      if (found.length === 0) continue;
      const error = Object.assign(new Error(describeValidation(found, context)), { statusCode: 400, validation: found, validationContext: context });
      if (request.routeOptions.attachValidation) {
        request.validationError = error;
        return;
      }
      throw error;
    }
  });
}

type BodyParser = (request: FastifyRequest, body: string, done: (error: Error | null, body?: unknown) => void) => void;

/**
 * Fastify's JSON parser, then the depth check, for `application/json` and SCIM's media type
 * alike. An empty body is `{}`: the SDK sends `content-type: application/json` with no body when
 * a POST has no params (it signs `{}`).
 */
export function guardedJsonParser(json: BodyParser) {
  return (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') return done(null, {});
    return json(request, text, (error, parsed) => {
      if (error) return done(error);
      const field = tooDeepField(parsed);
      return field === undefined ? done(null, parsed) : done(new BodyTooDeepError(field));
    });
  };
}
