import { useState } from 'react';
import { get } from '../api';
import { useLoad } from '../hooks';
import { Empty, Loading, PageHeader } from '../components/ui';

/** The organizations and their departments, each level loaded when it is opened. */
export function DepartmentsPage() {
  const orgs = useLoad(() => get('list-organizations', { fetchAll: true }), []);
  return (
    <>
      <PageHeader title="Departments" />
      <Loading loaded={orgs}>
        {(data) => data.list.length === 0 ? <Empty>No organization yet.</Empty> : (
          <ul className="tree" aria-label="Organizations and departments">
            {data.list.map((org) => (
              <Node key={org.organizationCode} organizationCode={org.organizationCode} departmentId={org.departmentId}
                name={org.organizationName} membersCount={org.membersCount} hasChildren={org.hasChildren} />
            ))}
          </ul>
        )}
      </Loading>
    </>
  );
}

function Node(props: { organizationCode: string; departmentId: string; name: string; membersCount: number; hasChildren: boolean; code?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <li>
      {props.hasChildren ? (
        <button type="button" className="disclosure" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> {props.name}
        </button>
      ) : (
        <span className="leaf">{props.name}</span>
      )}
      <span className="muted"> · {props.membersCount} {props.membersCount === 1 ? 'member' : 'members'}{props.code ? ` · ${props.code}` : ''}</span>
      {open && <Children organizationCode={props.organizationCode} departmentId={props.departmentId} />}
    </li>
  );
}

function Children({ organizationCode, departmentId }: { organizationCode: string; departmentId: string }) {
  const children = useLoad(() => get('list-children-departments', { organizationCode, departmentId }), [organizationCode, departmentId]);
  return (
    <Loading loaded={children}>
      {(data) => (
        <ul>
          {data.list.map((d) => (
            <Node key={d.departmentId} organizationCode={organizationCode} departmentId={d.departmentId} name={d.name}
              membersCount={d.membersCount} hasChildren={d.hasChildren} code={d.code} />
          ))}
        </ul>
      )}
    </Loading>
  );
}
