import { useId, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { get, post } from '../api';
import { useDebounced, useLoad } from '../hooks';
import { ErrorNote, Pager, PageHeader, StatusBadge, formatTime } from '../components/ui';
import { displayName, type Body, type Department, type Role, type User } from '../types';

const LIMIT = 20;
const STATUSES = ['Activated', 'Suspended', 'Deactivated', 'Resigned', 'Archived'];

/** Departments of every organization, for the department filter. */
type DepartmentOption = Pick<Department, 'organizationCode' | 'departmentId'> & { path: string };

async function allDepartments(): Promise<DepartmentOption[]> {
  const orgs = await get('list-organizations', { fetchAll: true });
  const out: DepartmentOption[] = [];
  for (const org of orgs.list) {
    const departments = await get('get-all-departments', { organizationCode: org.organizationCode });
    const byId = new Map(departments.list.map((d) => [d.departmentId, d]));
    const path = (d: Department): string => {
      const parent = byId.get(d.parentDepartmentId);
      return parent && parent !== d ? `${path(parent)} / ${d.name}` : `${org.organizationName} / ${d.name}`;
    };
    out.push({ organizationCode: org.organizationCode, departmentId: org.departmentId, path: org.organizationName });
    for (const d of departments.list) if (d.departmentId !== org.departmentId) out.push({ organizationCode: d.organizationCode, departmentId: d.departmentId, path: path(d) });
  }
  return out;
}

/** Every role of every namespace, for the role filter (50 a page, as the API gives them). */
async function allRoles(): Promise<Role[]> {
  const namespaces = await get('list-namespaces', { page: 1, limit: 50 });
  const out: Role[] = [];
  for (const namespace of new Set(['default', ...namespaces.list.map((n) => n.code)])) {
    for (let page = 1; ; page++) {
      const roles = await get('list-roles', { namespace, page, limit: 50 });
      out.push(...roles.list.map((r) => ({ ...r, namespace: r.namespace || namespace })));
      if (roles.list.length < 50 || page * 50 >= roles.totalCount) break;
    }
  }
  return out;
}

export function UsersPage() {
  const [, navigate] = useLocation();
  const [keywords, setKeywords] = useState('');
  const [status, setStatus] = useState('');
  const [department, setDepartment] = useState('');
  const [role, setRole] = useState('');
  const [group, setGroup] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Map<string, User>>(new Map());
  const search = useDebounced(keywords.trim());
  const ids = { search: useId(), status: useId(), department: useId(), role: useId(), group: useId(), note: useId() };

  const departments = useLoad(allDepartments, []);
  const roles = useLoad(allRoles, []);
  const groups = useLoad(() => get('get-all-groups'), []);

  // list-users filters by status and department; a role's or a group's members come from their own lists.
  const byMembership = Boolean(role || group);
  const users = useLoad(() => {
    if (role) {
      const [namespace, code] = role.split('\n');
      return get('list-role-members', { namespace, code, page, limit: LIMIT });
    }
    if (group) return get('list-group-members', { code: group, page, limit: LIMIT });
    const advancedFilter: NonNullable<Body<'list-users'>['advancedFilter']> = [];
    if (status) advancedFilter.push({ field: 'status', operator: 'EQUAL', value: status });
    if (department) {
      const [organizationCode, departmentId] = department.split('\n');
      advancedFilter.push({ field: 'department', operator: 'IN', value: [{ organizationCode, departmentId, includeChildrenDepartments: true }] });
    }
    return post('list-users', {
      keywords: search || undefined,
      advancedFilter,
      options: { pagination: { page, limit: LIMIT }, sort: [{ field: 'createdAt', order: 'desc' }] },
    });
  }, [search, status, department, role, group, page]);

  const filter = (set: (v: string) => void) => (event: React.ChangeEvent<HTMLSelectElement | HTMLInputElement>) => {
    set(event.target.value);
    setPage(1);
  };
  const toggle = (user: User) =>
    setSelected((current) => {
      const next = new Map(current);
      if (next.has(user.userId)) next.delete(user.userId);
      else next.set(user.userId, user);
      return next;
    });
  const offboard = () => navigate(`/offboarding?ids=${[...selected.keys()].join(',')}`);

  return (
    <>
      <PageHeader title="Users">
        <button type="button" className="primary" disabled={selected.size === 0} onClick={offboard}>
          Offboard selected ({selected.size})
        </button>
      </PageHeader>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor={ids.search}>Search</label>
          <input id={ids.search} type="search" value={keywords} onChange={filter(setKeywords)} disabled={byMembership} aria-describedby={byMembership ? ids.note : undefined} placeholder="Name, email, phone or username" />
        </div>
        <div>
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={filter(setStatus)} disabled={byMembership}>
            <option value="">Any status</option>
            {STATUSES.map((s) => <option key={s}>{s}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor={ids.department}>Department</label>
          <select id={ids.department} value={department} onChange={filter(setDepartment)} disabled={byMembership}>
            <option value="">Any department</option>
            {departments.data?.map((d) => (
              <option key={d.departmentId} value={`${d.organizationCode}\n${d.departmentId}`}>{d.path}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} value={role} onChange={(e) => { setGroup(''); filter(setRole)(e); }}>
            <option value="">Any role</option>
            {roles.data?.map((r) => (
              <option key={r.id} value={`${r.namespace}\n${r.code}`}>{r.name || r.code}{r.namespace !== 'default' ? ` (${r.namespace})` : ''}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.group}>Group</label>
          <select id={ids.group} value={group} onChange={(e) => { setRole(''); filter(setGroup)(e); }}>
            <option value="">Any group</option>
            {groups.data?.map((g) => <option key={g.id} value={g.code}>{g.name || g.code}</option>)}
          </select>
        </div>
      </form>
      {byMembership && <p id={ids.note} className="muted">Listing the members of the chosen {role ? 'role' : 'group'}; search, status and department apply to the whole directory and are off meanwhile.</p>}
      <ErrorNote error={users.error} />
      <div className="table-wrap" aria-busy={users.loading}>
        <table>
          <caption className="sr-only">Users of this pool{users.data ? `, ${users.data.totalCount} in all` : ''}</caption>
          <thead>
            <tr>
              <th scope="col"><span className="sr-only">Select</span></th>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Phone</th>
              <th scope="col">Username</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.list.map((u) => (
              <tr key={u.userId}>
                <td>
                  <input type="checkbox" aria-label={`Select ${displayName(u)}`} checked={selected.has(u.userId)} onChange={() => toggle(u)} disabled={u.status === 'Resigned'} />
                </td>
                <td><Link href={`/users/${u.userId}`}>{displayName(u)}</Link></td>
                <td>{u.email ?? '—'}</td>
                <td>{u.phone ?? '—'}</td>
                <td>{u.username ?? '—'}</td>
                <td><StatusBadge status={u.status} /></td>
                <td>{formatTime(u.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {users.data && users.data.list.length === 0 && <p className="muted empty">No user matches.</p>}
      </div>
      {users.data && <Pager label="Users" page={page} limit={LIMIT} total={users.data.totalCount} onPage={setPage} />}
    </>
  );
}
