/** SCIM URNs and the small helpers every SCIM resource shares (versions, projection, booleans). */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type Resource = Record<string, unknown>;

/** A weak ETag from the row's last change (milliseconds): any write through any API moves it. */
export function versionOf(updatedAt: string): string {
  return `W/"${Date.parse(updatedAt).toString(36)}"`;
}

/**
 * SCIM booleans as clients send them: Entra ID sends "True"/"False" strings. Answers undefined
 * for anything that is not a boolean in either form.
 */
export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** `urn:…:User:userName` → `userName`; `urn:…:enterprise:2.0:User:department` → [enterprise URN, department]. */
export function splitAttributePath(path: string, coreSchema: string): string[] {
  const lower = path.toLowerCase();
  if (lower.startsWith(`${ENTERPRISE_SCHEMA.toLowerCase()}:`)) return [ENTERPRISE_SCHEMA, ...path.slice(ENTERPRISE_SCHEMA.length + 1).split('.')];
  if (lower === ENTERPRISE_SCHEMA.toLowerCase()) return [ENTERPRISE_SCHEMA];
  const rest = lower.startsWith(`${coreSchema.toLowerCase()}:`) ? path.slice(coreSchema.length + 1) : path;
  return rest.split('.');
}

const keyOf = (object: Resource, name: string) => Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());

function pick(source: unknown, parts: string[]): unknown {
  if (parts.length === 0 || source === null || typeof source !== 'object') return source;
  if (Array.isArray(source)) {
    const items = source.map((item) => pick(item, parts)).filter((item) => item !== undefined);
    return items.length ? items : undefined;
  }
  const key = keyOf(source as Resource, parts[0]);
  if (key === undefined) return undefined;
  const inner = pick((source as Resource)[key], parts.slice(1));
  return inner === undefined ? undefined : { [key]: inner };
}

function merge(into: Resource, from: Resource): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (existing && typeof existing === 'object' && !Array.isArray(existing) && value && typeof value === 'object' && !Array.isArray(value)) {
      merge(existing as Resource, value as Resource);
    } else if (Array.isArray(existing) && Array.isArray(value)) {
      into[key] = existing.map((item, i) => (item && typeof item === 'object' ? { ...item, ...(value[i] as Resource) } : item));
    } else {
      into[key] = value;
    }
  }
}

function drop(target: unknown, parts: string[]): void {
  if (target === null || typeof target !== 'object') return;
  if (Array.isArray(target)) return target.forEach((item) => drop(item, parts));
  const key = keyOf(target as Resource, parts[0]);
  if (key === undefined) return;
  if (parts.length === 1) delete (target as Resource)[key];
  else drop((target as Resource)[key], parts.slice(1));
}

/** Attributes that `attributes` and `excludedAttributes` never remove (RFC 7643 "returned: always"). */
const ALWAYS = ['schemas', 'id'];

/**
 * `attributes` / `excludedAttributes` (comma-separated, case-insensitive, URN-qualified or not):
 * the first keeps only the named attributes, the second removes them.
 */
export function project(resource: Resource, coreSchema: string, attributes?: string, excluded?: string): Resource {
  const list = (text?: string) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const wanted = list(attributes);
  const dropped = list(excluded);
  if (!wanted.length && !dropped.length) return resource;
  let result = resource;
  if (wanted.length) {
    result = {};
    for (const name of ALWAYS) if (name in resource) result[name] = resource[name];
    for (const path of wanted) {
      const picked = pick(resource, splitAttributePath(path, coreSchema));
      if (picked && typeof picked === 'object') merge(result, picked as Resource);
    }
  } else {
    result = structuredClone(resource);
  }
  for (const path of dropped) {
    const parts = splitAttributePath(path, coreSchema);
    if (parts.length === 1 && ALWAYS.includes(parts[0])) continue;
    drop(result, parts);
  }
  return result;
}
