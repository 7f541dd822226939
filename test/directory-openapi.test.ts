import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';

const t = useTestServer();

const ENDPOINTS: Array<[string, 'get' | 'post']> = [
  ['update-user-batch', 'post'], ['get-department-by-id', 'get'], ['create-department-tree', 'post'], ['update-department-status', 'post'],
  ['update-organization-status', 'post'], ['search-departments-list', 'post'], ['get-department-sync-relations', 'get'],
  ['delete-department-sync-relations', 'post'], ['create-department-sync-relation', 'post'], ['list-role-assignments', 'get'],
  ['check-role-mutual-exclusion', 'post'], ['multiple-namespace-delete-roles-batch', 'post'], ['list-namespace-roles', 'get'],
  ['create-or-update-group', 'post'], ['kick-public-accounts', 'post'], ['get-user-action-logs', 'post'], ['list-resource-targets', 'post'],
];

describe('the directory endpoints in the OpenAPI document', () => {
  it('describes each with its method, a summary, the signature scheme and an input schema', async () => {
    const document = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { summary?: string; security?: unknown[]; parameters?: unknown[]; requestBody?: unknown }>> };
    for (const [name, method] of ENDPOINTS) {
      const operation = document.paths[`/api/v3/${name}`]?.[method];
      expect(operation, name).toBeDefined();
      expect(operation.summary, name).toBeTruthy();
      expect(operation.security, name).toContainEqual({ authingSignature: [] });
      expect(method === 'get' ? operation.parameters?.length : operation.requestBody, name).toBeTruthy();
    }
  });
});
