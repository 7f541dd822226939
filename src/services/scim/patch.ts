import { scimPatch, type ScimPatchOperation } from 'scim-patch';
import { PATCH_SCHEMA, type Resource } from './resources.js';
import { invalidPath, invalidSyntax, invalidValue, ScimError } from './errors.js';

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

/**
 * Reads a PatchOp body as clients send it: Entra ID capitalises ops ("Replace") and may put
 * attribute paths as keys of a path-less value (`{"name.givenName": "Ann"}`, URN-qualified
 * keys); those become operations with a path, so the library sees one form.
 */
export function readPatch(body: unknown): PatchOperation[] {
  const patch = (body ?? {}) as { schemas?: unknown; Operations?: unknown; operations?: unknown };
  if (!Array.isArray(patch.schemas) || !patch.schemas.includes(PATCH_SCHEMA)) throw invalidSyntax(`schemas: must contain ${PATCH_SCHEMA}`);
  const list = patch.Operations ?? patch.operations;
  if (!Array.isArray(list) || list.length === 0) throw invalidSyntax('Operations: must be a non-empty array');
  const result: PatchOperation[] = [];
  list.forEach((raw, i) => {
    const item = (raw ?? {}) as { op?: unknown; path?: unknown; value?: unknown };
    const op = typeof item.op === 'string' ? item.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'remove' && op !== 'replace') throw invalidSyntax(`Operations[${i}].op: must be add, remove or replace`);
    if (item.path !== undefined && (typeof item.path !== 'string' || item.path.trim() === '')) throw invalidPath(`Operations[${i}].path: must be a non-empty string`);
    const path = item.path as string | undefined;
    if (op === 'remove' && !path) throw new ScimError(400, 'noTarget', `Operations[${i}]: remove needs a path`);
    if (op !== 'remove' && item.value === undefined) throw invalidValue(`Operations[${i}].value: is required for ${op}`);
    if (!path && item.value && typeof item.value === 'object' && !Array.isArray(item.value)) {
      const plain: Resource = {};
      for (const [key, value] of Object.entries(item.value as Resource)) {
        const qualified = /^urn:/i.test(key) ? !/:(User|Group)$/i.test(key) : key.includes('.');
        if (qualified) result.push({ op, path: key, value });
        else plain[key] = value;
      }
      if (Object.keys(plain).length) result.push({ op, value: plain });
      return;
    }
    result.push({ op, path, value: item.value });
  });
  return result;
}

/** Applies operations to a whole resource with the scim-patch library; its refusals become SCIM 400s naming the path. */
export function applyPatch(resource: Resource, operations: PatchOperation[]): Resource {
  try {
    return scimPatch(structuredClone(resource) as never, operations as ScimPatchOperation[], { mutateDocument: true, treatMissingAsAdd: true }) as Resource;
  } catch (error) {
    if (error instanceof ScimError) throw error;
    const e = error as { scimType?: string; message?: string };
    const detail = `PATCH: ${e.message ?? String(error)}`;
    if (e.scimType === 'noTarget') throw new ScimError(400, 'noTarget', detail);
    if (e.scimType === 'invalidPath') throw invalidPath(detail);
    throw invalidValue(detail);
  }
}
