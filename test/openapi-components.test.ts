import Fastify from 'fastify';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { registerSchemaComponents } from '../src/server/schema-components.js';
import { useTestServer } from './helpers/server.js';

const t = useTestServer();

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  components: { schemas?: Record<string, unknown>; responses?: Record<string, unknown> };
}

const SCHEMAS = '#/components/schemas/';

/** Every `$ref` anywhere in the document. */
function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, found);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

/** The references that do not name an entry of `components.schemas` (or, for the shared error answers, `components.responses`). */
function dangling(document: Document): string[] {
  return refs(document).filter((ref) => {
    const [, kind, name] = /^#\/components\/(schemas|responses)\/([^/]+)$/.exec(ref) ?? [];
    const entries = kind === 'schemas' ? document.components.schemas : kind === 'responses' ? document.components.responses : undefined;
    return !entries || !Object.hasOwn(entries, name);
  });
}

const served = async () => (await (await fetch(`${t.url}/openapi.json`)).json()) as Document;

describe('the schemas shared by routes in the OpenAPI document', () => {
  it('are each referenced by a $ref that names an entry of components.schemas', async () => {
    const document = await served();
    expect(refs(document).length).toBeGreaterThan(100);
    expect(dangling(document)).toEqual([]);
    // The check itself sees a component that is missing.
    const { User: _user, ...others } = document.components.schemas ?? {};
    expect(dangling({ ...document, components: { ...document.components, schemas: others } })).toContain(`${SCHEMAS}User`);
    expect(dangling({ ...document, components: { schemas: document.components.schemas } })).toContain('#/components/responses/InternalError');
  });

  it('are named after what they hold, and listed only when a route uses them', async () => {
    const document = await served();
    const names = Object.keys(document.components.schemas ?? {});
    expect(names).toEqual(expect.arrayContaining(['User', 'Identity', 'Group', 'Organization', 'Department', 'Role', 'Post', 'Resource', 'Application', 'AccessKey', 'Webhook', 'Success']));
    expect(names.filter((name) => !/^[A-Z][A-Za-z]+$/.test(name))).toEqual([]);
    const used = new Set(refs(document).map((ref) => ref.slice(SCHEMAS.length)));
    expect(names.filter((name) => !used.has(name))).toEqual([]);
  });

  it('keep the document OpenAPI 3: no $id left, every operation answering 200 with a schema', async () => {
    const document = await served();
    expect(document.openapi).toMatch(/^3\./);
    expect(JSON.stringify(document)).not.toContain('"$id"');
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) expect(operation.responses?.['200'], `${method} ${path}`).toBeDefined();
    }
  });

  it('describe a user once, and every endpoint that answers users points there', async () => {
    const document = await served();
    const answer = (path: string, method: string) =>
      (document.paths[path][method].responses!['200'] as { content: Record<string, { schema: unknown }> }).content['application/json'].schema;
    expect(answer('/api/v3/get-user', 'get')).toEqual({ $ref: `${SCHEMAS}UserEnvelope` });
    expect(answer('/api/v3/get-public-account', 'get')).toEqual({ $ref: `${SCHEMAS}UserEnvelope` });
    expect(document.components.schemas?.UserEnvelope).toMatchObject({ properties: { data: { $ref: `${SCHEMAS}User` } } });
    expect(answer('/api/v3/list-users', 'post')).toMatchObject({ properties: { data: { properties: { list: { items: { $ref: `${SCHEMAS}User` } } } } } });
    expect(JSON.stringify(document).match(/"userSourceType":\{/g)).toHaveLength(1);
  });

  it('describe once the envelope of an answer that several endpoints give whole', async () => {
    const document = await served();
    const answer = (path: string) => (document.paths[path].post.responses!['200'] as { content: Record<string, { schema: unknown }> }).content['application/json'].schema;
    expect(answer('/api/v3/delete-users-batch')).toEqual({ $ref: `${SCHEMAS}SuccessEnvelope` });
    expect(answer('/api/v3/create-user')).toEqual({ $ref: `${SCHEMAS}UserEnvelope` });
    expect(document.components.schemas?.SuccessEnvelope).toMatchObject({ required: ['statusCode', 'message', 'requestId'], properties: { data: { $ref: `${SCHEMAS}Success` } } });
  });

  it('describe a body once when a public-account endpoint takes what its user endpoint takes', async () => {
    const document = await served();
    const body = (path: string) => (document.paths[path].post as { requestBody: { content: Record<string, { schema: unknown }> } }).requestBody.content['application/json'].schema;
    expect(body('/api/v3/create-user')).toEqual({ $ref: `${SCHEMAS}CreateUserBody` });
    expect(body('/api/v3/create-public-account')).toEqual({ $ref: `${SCHEMAS}CreateUserBody` });
    expect(body('/api/v3/update-public-account-batch')).toMatchObject({ properties: { list: { items: { $ref: `${SCHEMAS}UserChanges` } } } });
  });
});

describe('registering the shared schemas', () => {
  const Named = Type.Object({ name: Type.String({ minLength: 2 }) }, { $id: 'Named' });

  it('validates a route through the reference exactly as it did inline', async () => {
    const app = Fastify({ ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', useDefaults: true, allErrors: true } } });
    registerSchemaComponents(app, [Named]);
    app.post('/echo', { schema: { body: Type.Object({ item: Named }), response: { 200: Type.Object({ item: Named }) } } }, async (request) => request.body);
    const good = await app.inject({ method: 'POST', url: '/echo', payload: { item: { name: 'ok', extra: 1 } } });
    expect(good.json()).toEqual({ item: { name: 'ok' } });
    const bad = await app.inject({ method: 'POST', url: '/echo', payload: { item: { name: 'x' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('/item/name');
    await app.close();
  });

  it('refuses a schema that carries a component name but differs from it', () => {
    const app = Fastify();
    registerSchemaComponents(app, [Named]);
    const impostor = Type.Object({ name: Type.String() }, { $id: 'Named' });
    expect(() => app.post('/x', { schema: { body: impostor } }, async () => ({}))).toThrow(/differs from the component/);
    expect(() => app.post('/y', { schema: { body: Type.Object({}, { $id: 'Unlisted' }) } }, async () => ({}))).toThrow(/not a registered component/);
  });
});
