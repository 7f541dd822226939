import { randomBytes } from 'node:crypto';
import { parse, type Filter } from 'scim2-parse-filter';
import * as scimStore from '../../store/scim.js';
import type { ScimGroupRow } from '../../store/scim.js';
import { parseJson } from '../../store/values.js';
import { AppError } from '../../errors.js';
import { addGroupMembers, createGroup, deleteGroups, removeGroupMembers, updateGroup } from '../groups.js';
import { fromAppError, invalidPath, invalidValue, preconditionFailed, scimErrors, scimNotFound } from './errors.js';
import { parseScimFilter } from './filter.js';
import { applyPatch, readPatch, type PatchOperation } from './patch.js';
import { GROUP_SCHEMA, LIST_SCHEMA, project, versionOf, type Resource } from './resources.js';
import { matches, paging, type ListQuery, type ScimContext } from './context.js';

/**
 * SCIM Groups over the groups service: displayName ↔ name, members ↔ group members (users
 * only). The GenAuth group code, which SCIM has no word for, is made from the displayName.
 * Member changes go through add/remove-group-members, so a resigned user is refused as there.
 */

type Member = { id: string; name: string | null; username: string | null };

function toScimGroup(row: ScimGroupRow, members: Member[] | undefined, baseUrl: string): Resource {
  const extra = parseJson<Resource>(row.scim_data, {});
  return {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    displayName: row.name,
    ...extra,
    ...(members ? { members: members.map((m) => ({ value: m.id, display: m.name ?? m.username ?? m.id, $ref: `${baseUrl}/Users/${m.id}`, type: 'User' })) } : {}),
    meta: { resourceType: 'Group', created: row.created_at, lastModified: row.updated_at, location: `${baseUrl}/Groups/${row.id}`, version: versionOf(row.updated_at) },
  };
}

/** Members are loaded unless the client left them out (Entra ID asks with `excludedAttributes=members`). */
function wantsMembers(query: ListQuery): boolean {
  const names = (text?: string) => (text ?? '').split(',').map((s) => s.trim().toLowerCase());
  if (names(query.excludedAttributes).some((n) => n === 'members' || n.endsWith(':members'))) return false;
  if (query.attributes) return names(query.attributes).some((n) => n === 'members' || n.startsWith('members.') || n.endsWith(':members'));
  return true;
}

async function resources(ctx: ScimContext, rows: ScimGroupRow[], withMembers: boolean): Promise<Resource[]> {
  const members = withMembers ? await scimStore.membersOfGroups(ctx.scope.db, ctx.scope.poolId, rows.map((r) => r.id)) : [];
  return rows.map((row) => toScimGroup(row, withMembers ? members.filter((m) => m.group_id === row.id) : undefined, ctx.baseUrl));
}

async function findOr404(ctx: ScimContext, id: string): Promise<ScimGroupRow> {
  const row = await scimStore.findGroup(ctx.scope.db, ctx.scope.poolId, id);
  if (!row) throw scimNotFound(`Group "${id}" not found`);
  return row;
}

export interface Answer {
  resource: Resource;
  version: string;
}
const answer = (resource: Resource): Answer => ({ resource, version: (resource.meta as { version: string }).version });

async function readGroup(ctx: ScimContext, id: string): Promise<Resource> {
  return (await resources(ctx, [await findOr404(ctx, id)], true))[0];
}

interface GroupFromScim {
  displayName: string;
  externalId: string | null;
  members?: string[];
  extra: string;
}

function memberIds(value: unknown, attribute: string): string[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    const id = typeof item === 'string' ? item : (item as { value?: unknown })?.value;
    if (typeof id !== 'string' || id === '') throw invalidValue(`${attribute}[${i}].value: must be a user id`);
    return id;
  });
}

function fromScimGroup(body: Resource): GroupFromScim {
  const get = (name: string) => body[Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase()) ?? ''];
  const displayName = get('displayName');
  if (typeof displayName !== 'string' || displayName.trim() === '') throw invalidValue('displayName: is required and must be a non-empty string');
  const externalId = get('externalId');
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') throw invalidValue('externalId: must be a string');
  const members = get('members');
  const extra: Resource = {};
  for (const [key, value] of Object.entries(body)) {
    if (!['schemas', 'id', 'meta', 'displayname', 'externalid', 'members'].includes(key.toLowerCase()) && !key.startsWith('urn:')) extra[key] = value;
  }
  return { displayName, externalId: (externalId as string | undefined) || null, members: members === undefined ? undefined : memberIds(members, 'members'), extra: JSON.stringify(extra) };
}

/** Every member id must be a user of this pool: checked before anything is written. */
async function checkMembers(ctx: ScimContext, ids: string[]): Promise<void> {
  const found = await scimStore.existingUserIds(ctx.scope.db, ctx.scope.poolId, [...new Set(ids)]);
  const missing = [...new Set(ids)].filter((id) => !found.has(id));
  if (missing.length) throw invalidValue(`members: no user ${missing.map((id) => `"${id}"`).join(', ')} in this user pool`);
}

/** The services take at most 50 users a call. */
async function inChunks(ids: string[], work: (chunk: string[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < ids.length; i += 50) await scimErrors(() => work(ids.slice(i, i + 50)));
}

function codeFor(displayName: string, suffix: boolean): string {
  const slug = displayName.normalize('NFKD').replace(/[^A-Za-z0-9_.:-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'group';
  return suffix ? `${slug}-${randomBytes(4).toString('hex')}` : slug;
}

export async function createScimGroup(ctx: ScimContext, body: Resource): Promise<Answer> {
  const group = fromScimGroup(body);
  await checkMembers(ctx, group.members ?? []);
  let created;
  try {
    created = await createGroup(ctx.scope, { code: codeFor(group.displayName, false), name: group.displayName });
  } catch (error) {
    // The code is ours, not the client's: a taken one gets a random suffix instead of a refusal.
    if (!(error instanceof AppError) || error.statusCode !== 409) throw error instanceof AppError ? fromAppError(error) : error;
    created = await scimErrors(() => createGroup(ctx.scope, { code: codeFor(group.displayName, true), name: group.displayName }));
  }
  await scimStore.saveGroupAttributes(ctx.scope.db, ctx.scope.poolId, created.id, group.externalId, group.extra);
  await inChunks(group.members ?? [], (chunk) => addGroupMembers(ctx.scope, created.code, chunk));
  return answer(await readGroup(ctx, created.id));
}

export async function getScimGroup(ctx: ScimContext, id: string, query: ListQuery): Promise<Answer> {
  const resource = (await resources(ctx, [await findOr404(ctx, id)], wantsMembers(query)))[0];
  return { resource: project(resource, GROUP_SCHEMA, query.attributes, query.excludedAttributes), version: answer(resource).version };
}

export async function listScimGroups(ctx: ScimContext, query: ListQuery) {
  const filter = parseScimFilter('Group', query.filter);
  const { offset, limit, startIndex } = paging(query);
  const { rows, total } = await scimStore.searchGroups(ctx.scope.db, ctx.scope.dialect, ctx.scope.poolId, filter, offset, limit);
  const list = await resources(ctx, rows, wantsMembers(query));
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    startIndex,
    itemsPerPage: list.length,
    Resources: list.map((r) => project(r, GROUP_SCHEMA, query.attributes, query.excludedAttributes)),
  };
}

async function checkVersion(row: ScimGroupRow, ifMatch: string | undefined): Promise<void> {
  const version = versionOf(row.updated_at);
  if (!matches(ifMatch, version)) throw preconditionFailed(`If-Match: the Group changed since version ${ifMatch}; it is now ${version}`);
}

/** Writes a new state of the group: name, SCIM attributes, members added and removed; the version moves. */
async function writeGroup(ctx: ScimContext, row: ScimGroupRow, next: GroupFromScim, add: string[], remove: string[]): Promise<Answer> {
  await checkMembers(ctx, add);
  const existing = await scimStore.existingUserIds(ctx.scope.db, ctx.scope.poolId, remove);
  await scimErrors(() => updateGroup(ctx.scope, { code: row.code, name: next.displayName }));
  await scimStore.saveGroupAttributes(ctx.scope.db, ctx.scope.poolId, row.id, next.externalId, next.extra);
  await inChunks([...new Set(add)], (chunk) => addGroupMembers(ctx.scope, row.code, chunk));
  await inChunks([...new Set(remove)].filter((id) => existing.has(id)), (chunk) => removeGroupMembers(ctx.scope, row.code, chunk));
  return answer(await readGroup(ctx, row.id));
}

export async function replaceScimGroup(ctx: ScimContext, id: string, body: Resource, ifMatch?: string): Promise<Answer> {
  const next = fromScimGroup(body);
  const row = await findOr404(ctx, id);
  await checkVersion(row, ifMatch);
  const current = (await scimStore.membersOfGroups(ctx.scope.db, ctx.scope.poolId, [id])).map((m) => m.id);
  const wanted = next.members ?? [];
  return writeGroup(ctx, row, next, wanted.filter((m) => !current.includes(m)), current.filter((m) => !wanted.includes(m)));
}

/** `members[value eq "a" or value eq "b"]` → ["a", "b"]. */
function membersInPath(path: string): string[] {
  let tree: Filter;
  try {
    tree = parse(path);
  } catch {
    throw invalidPath(`path: "${path}" cannot be parsed`);
  }
  const values = (f: Filter): string[] => {
    if (f.op === 'or') return f.filters.flatMap(values);
    if (f.op === 'eq' && f.attrPath.toLowerCase() === 'value') return [String(f.compValue)];
    throw invalidPath(`path: "${path}": only members[value eq "…"] (joined by or) selects members`);
  };
  if (tree.op !== '[]') throw invalidPath(`path: "${path}" does not select members`);
  return values(tree.valFilter);
}

export async function patchScimGroup(ctx: ScimContext, id: string, body: unknown, ifMatch?: string): Promise<Answer> {
  const operations = readPatch(body);
  const row = await findOr404(ctx, id);
  await checkVersion(row, ifMatch);
  let members = new Set((await scimStore.membersOfGroups(ctx.scope.db, ctx.scope.poolId, [id])).map((m) => m.id));
  const before = new Set(members);
  const others: PatchOperation[] = [];
  for (const op of operations) {
    const path = op.path?.trim();
    if (path && /^members$/i.test(path)) {
      const ids = memberIds(op.value, 'value');
      if (op.op === 'add') ids.forEach((m) => members.add(m));
      else if (op.op === 'replace') members = new Set(ids);
      else if (op.value === undefined) members.clear();
      else ids.forEach((m) => members.delete(m));
    } else if (path && /^members\[/i.test(path)) {
      if (op.op !== 'remove') throw invalidPath(`path: "${path}": only remove takes a member filter; add members with path "members"`);
      membersInPath(path).forEach((m) => members.delete(m));
    } else if (!path && op.value && typeof op.value === 'object' && !Array.isArray(op.value)) {
      const { members: given, ...rest } = op.value as Resource;
      const key = Object.keys(op.value as Resource).find((k) => k.toLowerCase() === 'members');
      if (key) {
        const ids = memberIds((op.value as Resource)[key], 'value.members');
        if (op.op === 'replace') members = new Set(ids);
        else ids.forEach((m) => members.add(m));
      }
      void given;
      const remaining = Object.fromEntries(Object.entries(rest).filter(([k]) => k.toLowerCase() !== 'members'));
      if (Object.keys(remaining).length) others.push({ ...op, value: remaining });
    } else {
      others.push(op);
    }
  }
  const current = toScimGroup(row, undefined, ctx.baseUrl);
  const { meta: _meta, ...writable } = current;
  const patched = others.length ? applyPatch({ ...writable, meta: {} }, others) : writable;
  const next = fromScimGroup({ ...patched, members: undefined });
  return writeGroup(ctx, row, next, [...members].filter((m) => !before.has(m)), [...before].filter((m) => !members.has(m)));
}

export async function deleteScimGroup(ctx: ScimContext, id: string, ifMatch?: string): Promise<void> {
  const row = await findOr404(ctx, id);
  await checkVersion(row, ifMatch);
  await scimErrors(() => deleteGroups(ctx.scope, [row.code]));
}
