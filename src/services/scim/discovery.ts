import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, USER_SCHEMA, type Resource } from './resources.js';
import { MAX_RESULTS } from './context.js';
import { scimNotFound } from './errors.js';

/** RFC 7644 §4 discovery: what this service provider supports, its resource types and their schemas. */

export function serviceProviderConfig(baseUrl: string): Resource {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://github.com/userpool/userpool#scim-20-provisioning',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: true },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'Bearer token', description: 'A per-pool token made with `userpool scim-token create`, sent as `Authorization: Bearer <token>`', primary: true },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

function resourceTypes(baseUrl: string): Resource[] {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User', name: 'User', endpoint: '/Users', description: 'A person of the user pool', schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group', name: 'Group', endpoint: '/Groups', description: 'A group of users', schema: GROUP_SCHEMA, schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

type Attr = Resource;
const attr = (name: string, options: Partial<{ type: string; multi: boolean; required: boolean; caseExact: boolean; mutability: string; returned: string; uniqueness: string; sub: Attr[]; canonical: string[]; refs: string[] }> = {}): Attr => ({
  name,
  type: options.type ?? 'string',
  multiValued: options.multi ?? false,
  description: name,
  required: options.required ?? false,
  caseExact: options.caseExact ?? false,
  mutability: options.mutability ?? 'readWrite',
  returned: options.returned ?? 'default',
  uniqueness: options.uniqueness ?? 'none',
  ...(options.sub ? { subAttributes: options.sub } : {}),
  ...(options.canonical ? { canonicalValues: options.canonical } : {}),
  ...(options.refs ? { referenceTypes: options.refs } : {}),
});
const multi = (name: string, types: string[]) =>
  attr(name, { type: 'complex', multi: true, sub: [attr('value'), attr('display'), attr('type', { canonical: types }), attr('primary', { type: 'boolean' })] });

function schemas(baseUrl: string): Resource[] {
  const meta = (id: string) => ({ resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` });
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], id: USER_SCHEMA, name: 'User', description: 'User Account',
      attributes: [
        attr('userName', { required: true, uniqueness: 'server' }),
        attr('name', { type: 'complex', sub: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => attr(n)) }),
        attr('displayName'), attr('nickName'), attr('profileUrl', { type: 'reference', refs: ['external'] }), attr('title'), attr('userType'),
        attr('preferredLanguage'), attr('locale'), attr('timezone'), attr('active', { type: 'boolean' }),
        attr('password', { mutability: 'writeOnly', returned: 'never' }),
        multi('emails', ['work', 'home', 'other']), multi('phoneNumbers', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
        attr('addresses', { type: 'complex', multi: true, sub: ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) => attr(n)) }),
        attr('groups', { type: 'complex', multi: true, mutability: 'readOnly', sub: [attr('value', { mutability: 'readOnly' }), attr('$ref', { type: 'reference', refs: ['Group'], mutability: 'readOnly' }), attr('display', { mutability: 'readOnly' }), attr('type', { mutability: 'readOnly', canonical: ['direct'] })] }),
      ],
      meta: meta(USER_SCHEMA),
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], id: ENTERPRISE_SCHEMA, name: 'EnterpriseUser', description: 'Enterprise User',
      attributes: [
        attr('employeeNumber'), attr('costCenter'), attr('organization'), attr('division'), attr('department'),
        attr('manager', { type: 'complex', sub: [attr('value'), attr('$ref', { type: 'reference', refs: ['User'] }), attr('displayName', { mutability: 'readOnly' })] }),
      ],
      meta: meta(ENTERPRISE_SCHEMA),
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], id: GROUP_SCHEMA, name: 'Group', description: 'Group',
      attributes: [
        attr('displayName', { required: true }),
        attr('members', { type: 'complex', multi: true, sub: [attr('value', { mutability: 'immutable' }), attr('$ref', { type: 'reference', refs: ['User'], mutability: 'immutable' }), attr('display', { mutability: 'readOnly' }), attr('type', { mutability: 'immutable', canonical: ['User'] })] }),
      ],
      meta: meta(GROUP_SCHEMA),
    },
  ];
}

const list = (resources: Resource[]) => ({ schemas: [LIST_SCHEMA], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources });

export const listResourceTypes = (baseUrl: string) => list(resourceTypes(baseUrl));
export const listSchemas = (baseUrl: string) => list(schemas(baseUrl));

export function getResourceType(baseUrl: string, id: string): Resource {
  const found = resourceTypes(baseUrl).find((r) => r.id === id);
  if (!found) throw scimNotFound(`ResourceType "${id}" not found`);
  return found;
}

export function getSchema(baseUrl: string, id: string): Resource {
  const found = schemas(baseUrl).find((s) => s.id === id);
  if (!found) throw scimNotFound(`Schema "${id}" not found`);
  return found;
}
