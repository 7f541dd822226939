import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';

type Json = unknown;
type Components = ReadonlyMap<string, TSchema>;

/**
 * Registers the named schemas (each with an `$id`) once, and has every route reference them:
 * a copy of one inside a route's schema becomes `{ $ref: '<$id>' }` before the route's
 * validator and serializer are compiled. The schemas stay plain TypeBox values in the code
 * (their static types unchanged); Ajv and fast-json-stringify resolve the reference to the
 * same schema they used to find inline, and the OpenAPI document lists it once under
 * `components.schemas` instead of repeating it at every route.
 */
export function registerSchemaComponents(app: FastifyInstance, schemas: readonly TSchema[]): void {
  const components = new Map<string, TSchema>();
  for (const schema of schemas) {
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id !== 'string') throw new Error('a schema component needs an $id (its name in the OpenAPI document)');
    if (components.has(id)) throw new Error(`two schema components are named ${id}`);
    components.set(id, schema);
  }
  // A component nested in another is referenced from it too: Ajv refuses an `$id` it meets twice.
  for (const schema of schemas) app.addSchema(referencing(schema, components, true) as TSchema);
  app.addHook('onRoute', (route) => {
    if (route.schema) route.schema = referencing(route.schema, components) as typeof route.schema;
  });
}

/**
 * A copy of `node` in which each schema with an `$id` is a reference to its component (the root
 * itself excepted when `root` is set). A schema named like a component but not equal to it
 * would change what a route accepts or answers if it were replaced, so it stops the start-up, as
 * does an `$id` no component has.
 */
export function referencing(node: Json, components: Components, root = false): Json {
  if (Array.isArray(node)) return node.map((item) => referencing(item, components));
  if (node === null || typeof node !== 'object') return node;
  const id = (node as { $id?: unknown }).$id;
  if (typeof id === 'string' && !root) {
    const component = components.get(id);
    if (!component) throw new Error(`schema ${id} has an $id but is not a registered component (src/schemas/components.ts lists them)`);
    if (component !== node && JSON.stringify(component) !== JSON.stringify(node)) {
      throw new Error(`a schema named ${id} differs from the component of that name`);
    }
    return { $ref: id };
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, referencing(value, components)]));
}

/** The name of a component in `components.schemas`: its `$id`, so names stay stable and readable. */
export function componentName(schema: { $id?: unknown }, _baseUri: unknown, _fragment: unknown, index: number): string {
  return typeof schema.$id === 'string' ? schema.$id : `def-${index}`;
}
