import { describe, expect, it } from 'vitest';
import { ApiCode } from '../src/errors.js';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';
import { sdkHeaders, signedFetch } from './helpers/signed.js';

const t = useTestServer();

type Response = { $ref?: string; description?: string; content?: Record<string, { schema: unknown }> };
type Operation = { security?: Array<Record<string, unknown>>; responses: Record<string, Response> };
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses?: Record<string, Response> };
}
interface Schema {
  type?: string;
  required?: string[];
  properties?: Record<string, { type?: string }>;
}

const served = async () => (await (await fetch(`${t.url}/openapi.json`)).json()) as Document;

const ERROR_ENVELOPE = { $ref: '#/components/schemas/ErrorEnvelope' };
const RESPONSES = '#/components/responses/';

/** Every operation of the document with its path and method. */
function operations(document: Document): Array<[string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation]));
}

/** The schema an operation's answer at `status` has, through the shared answer it references. */
function answerSchema(document: Document, operation: Operation, status: string): unknown {
  const ref = operation.responses[status]?.$ref;
  if (!ref?.startsWith(RESPONSES)) return undefined;
  return document.components.responses?.[ref.slice(RESPONSES.length)]?.content?.['application/json']?.schema;
}

/** What the server should document for an envelope operation, from the family it belongs to. */
function expectedStatuses(name: string, operation: Operation): string[] {
  const [method] = name.split(' ');
  const schemes = (operation.security ?? []).flatMap((group) => Object.keys(group));
  const body = method === 'POST' ? ['400', '413', '415'] : [];
  if (schemes.includes('authingSignature')) return [...body, '401', '403', '500'];
  if (schemes.includes('userAccessToken')) return [...new Set(['400', ...body, '401', '500'])];
  if (name === 'POST /api/v3/signin') return ['400', '401', '413', '415', '429', '500'];
  if (name === 'POST /api/v3/signup') return ['400', '413', '415', '429', '500'];
  return ['400', ...body, '500'];
}

/** The fields of `body` the component does not describe, and those it requires that `body` lacks or types otherwise. */
function mismatches(schema: Schema, body: Record<string, unknown>): string[] {
  const properties = schema.properties ?? {};
  const undescribed = Object.keys(body).filter((key) => !Object.hasOwn(properties, key)).map((key) => `undescribed ${key}`);
  const missing = (schema.required ?? []).filter((key) => !Object.hasOwn(body, key)).map((key) => `missing ${key}`);
  const typed = Object.entries(body)
    .filter(([key, value]) => properties[key]?.type === 'integer' ? !Number.isInteger(value) : properties[key]?.type === 'string' && typeof value !== 'string')
    .map(([key]) => `mistyped ${key}`);
  return [...undescribed, ...missing, ...typed];
}

describe('the error answers in the OpenAPI document', () => {
  it('are documented for every envelope operation at the HTTP statuses its family answers, each an ErrorEnvelope', async () => {
    const document = await served();
    const envelope = operations(document).filter(([name]) => / \/api\/v3\//.test(name));
    expect(envelope.length).toBeGreaterThan(200);
    for (const [name, operation] of envelope) {
      const statuses = Object.keys(operation.responses).filter((status) => status !== '200').sort();
      expect(statuses, name).toEqual(expectedStatuses(name, operation).sort());
      for (const status of statuses) expect(answerSchema(document, operation, status), `${name} ${status}`).toEqual(ERROR_ENVELOPE);
      expect(operation.responses['200'].description, name).toMatch(/ErrorEnvelope/);
    }
    // A schema refusing the body or query is a business error (HTTP 200): a GET of the management API has no 400.
    expect(document.paths['/api/v3/get-user'].get.responses['400']).toBeUndefined();
    expect(document.components.responses?.Throttled).toMatchObject({ headers: { 'retry-after': { schema: { type: 'integer' } } } });
  });

  it('are not claimed for the families that answer errors in their own format (OIDC, hosted sign-in, SCIM)', async () => {
    const document = await served();
    const others = operations(document).filter(([name]) => / \/(oidc|scim|pools)\//.test(name));
    expect(others.length).toBeGreaterThan(10);
    for (const [name, operation] of others) expect(Object.keys(operation.responses), name).toEqual(['200']);
  });

  it('describe the error envelope as the server writes it', async () => {
    const document = await served();
    expect(document.components.schemas.ErrorEnvelope).toMatchObject({
      type: 'object',
      required: ['statusCode', 'message', 'requestId'],
      properties: { statusCode: { type: 'integer' }, message: { type: 'string' }, apiCode: { type: 'integer' }, requestId: { type: 'string' } },
    });
    expect(Object.keys(document.components.schemas.ErrorEnvelope.properties ?? {}).sort()).toEqual(['apiCode', 'message', 'requestId', 'statusCode']);
  });
});

describe('real error answers, next to the documented ErrorEnvelope', () => {
  it('a refused signature is HTTP 401 with every field of the envelope', async () => {
    const document = await served();
    const answer = await signedFetch(t.url, {
      method: 'GET', path: '/api/v3/get-user', params: { userId: 'ffffffffffffffffffffffff' }, keyId: t.keyId, secret: t.secret, lang: 'en-US', unsigned: true,
    });
    expect(answer.status).toBe(401);
    expect(Object.keys(answer.body).sort()).toEqual(['apiCode', 'message', 'requestId', 'statusCode']);
    expect(answer.body).toMatchObject({ statusCode: 401, apiCode: ApiCode.NOT_SIGNED_IN, message: expect.stringMatching(/authorization/), requestId: expect.any(String) });
    expect(mismatches(document.components.schemas.ErrorEnvelope, answer.body)).toEqual([]);
  });

  it('a body its schema refuses is HTTP 200 with statusCode 400, every field of the envelope and the field named', async () => {
    const document = await served();
    const answer = await signedFetch(t.url, {
      method: 'POST', path: '/api/v3/create-user', params: { username: `e_${uniq()}`, email: 'not-an-address' }, keyId: t.keyId, secret: t.secret, lang: 'en-US',
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['apiCode', 'message', 'requestId', 'statusCode']);
    expect(answer.body).toMatchObject({ statusCode: 400, apiCode: ApiCode.VALIDATION, message: expect.stringMatching(/email/), requestId: expect.any(String) });
    expect(mismatches(document.components.schemas.ErrorEnvelope, answer.body)).toEqual([]);
    // The same through the official SDK, which resolves with the envelope.
    const sdk = (await t.management.createUser({ username: `e_${uniq()}`, email: 'not-an-address' })) as unknown as Record<string, unknown>;
    expect(sdk).toMatchObject({ statusCode: 400, apiCode: ApiCode.VALIDATION, message: expect.stringMatching(/email/), requestId: expect.any(String) });
  });

  it('a body that is not JSON is HTTP 400 with every field of the envelope, as documented', async () => {
    const document = await served();
    const response = await fetch(`${t.url}/api/v3/create-user`, { method: 'POST', headers: sdkHeaders(), body: '{"username":' });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(400);
    expect(document.paths['/api/v3/create-user'].post.responses['400']).toEqual({ $ref: `${RESPONSES}BadRequest` });
    expect(body).toMatchObject({ statusCode: 400, apiCode: ApiCode.MALFORMED_BODY, message: expect.stringMatching(/malformed JSON/), requestId: expect.any(String) });
    expect(mismatches(document.components.schemas.ErrorEnvelope, body)).toEqual([]);
  });

  it('a body that is not application/json is HTTP 415 with every field of the envelope, as documented', async () => {
    const document = await served();
    const response = await fetch(`${t.url}/api/v3/create-user`, { method: 'POST', headers: { ...sdkHeaders(), 'content-type': 'application/xml' }, body: '<username>x</username>' });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(415);
    expect(document.paths['/api/v3/create-user'].post.responses['415']).toEqual({ $ref: `${RESPONSES}UnsupportedMediaType` });
    expect(body).toMatchObject({ statusCode: 415, apiCode: ApiCode.MALFORMED_BODY, requestId: expect.any(String) });
    expect(mismatches(document.components.schemas.ErrorEnvelope, body)).toEqual([]);
  });

  it('a check of the answers against the component sees a field it does not describe', () => {
    const schema = { type: 'object', required: ['statusCode', 'message', 'requestId'], properties: { statusCode: { type: 'integer' }, message: { type: 'string' }, requestId: { type: 'string' } } };
    expect(mismatches(schema, { statusCode: 400, message: 'm', requestId: 'r', apiCode: 1 })).toEqual(['undescribed apiCode']);
    expect(mismatches(schema, { statusCode: '400', message: 'm' })).toEqual(['missing requestId', 'mistyped statusCode']);
  });
});
