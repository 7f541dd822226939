import { Link } from 'wouter';
import { get, post } from '../api';
import { useLoad, type Loaded } from '../hooks';
import { Empty, ErrorNote, Loading, PageHeader, Section, StatusBadge, formatTime } from '../components/ui';
import { displayName, type Receipt } from '../types';
import { receiptsOf } from '../offboarding';
import { download } from '../components/ui';



/** Every namespace's answer for `load`, each row tagged with its namespace. */
async function perNamespace<T>(load: (namespace: string) => Promise<T[]>): Promise<Array<T & { namespace: string }>> {
  const namespaces = await get('list-namespaces', { page: 1, limit: 50 });
  const codes = new Set(['default', ...namespaces.list.map((n) => n.code)]);
  const lists = await Promise.all([...codes].map(async (ns) => (await load(ns)).map((row) => ({ ...row, namespace: ns }))));
  return lists.flat();
}

export function UserPage({ userId }: { userId: string }) {
  const user = useLoad(() => get('get-user', { userId, withIdentities: true }), [userId]);
  const q = { userId };
  const departments = useLoad(() => get('get-user-departments', { ...q, withDepartmentPaths: true }), [userId]);
  const roles = useLoad(() => perNamespace(async (namespace) => (await get('get-user-roles', { ...q, namespace })).list), [userId]);
  const groups = useLoad(() => get('get-user-groups', q), [userId]);
  const posts = useLoad(() => get('get-user-posts', q), [userId]);
  const grants = useLoad(() => perNamespace(async (namespace) => (await get('get-user-authorized-resources', { ...q, namespace })).list), [userId]);
  const publicAccounts = useLoad(() => get('get-public-accounts-of-user', { ...q, page: 1, limit: 50 }), [userId]);
  const identities = useLoad(() => get('get-user-identities', q), [userId]);
  const sessions = useLoad(() => get('get-user-loggedin-apps', q), [userId]);
  const logins = useLoad(() => get('get-user-login-history', { ...q, page: 1, limit: 20 }), [userId]);
  // The receipt says when and by whom; it exists for every resignation, however it was made.
  const resignation = useLoad(async () => {
    const receipts = await receiptsOf([userId]);
    return receipts.list.length ? { receipt: receipts.list[0] as Receipt, csv: receipts.csv } : null;
  }, [userId]);
  const scheduled = useLoad(async () => (await post('list-scheduled-resignations', { userIds: [userId], status: ['pending'] })).list[0] ?? null, [userId]);

  if (user.error) return <><PageHeader title="User" /><ErrorNote error={user.error} /></>;
  if (!user.data) return <><PageHeader title="User" /><p role="status" className="muted">Loading…</p></>;
  const u = user.data;
  const resigned = u.status === 'Resigned';

  return (
    <>
      <PageHeader title={displayName(u)}>
        {!resigned && (
          <>
            <Link className="button primary" href={`/offboarding?ids=${u.userId}`}>Offboard…</Link>
            {!scheduled.data && <Link className="button" href={`/scheduled?ids=${u.userId}`}>Schedule resignation…</Link>}
          </>
        )}
      </PageHeader>
      {resigned && (
        <div className="notice resigned" role="note" aria-label="Resigned">
          <p>
            <strong>Resigned</strong> on {formatTime(resignation.data?.receipt.resignedAt ?? u.statusChangedAt)}
            {resignation.data && <> by {resignation.data.receipt.actorName || resignation.data.receipt.actor}{resignation.data.receipt.scheduleId ? ' (scheduled)' : ''}</>}.
            This account is closed: it cannot sign in, be re-activated or be given new relations.
          </p>
          {resignation.data && (
            <div className="actions-row">
              <button type="button" onClick={() => download(`resignation-receipt-${u.userId}.csv`, resignation.data!.csv, 'text/csv')}>Download receipt (CSV)</button>
              <button type="button" onClick={() => download(`resignation-receipt-${u.userId}.json`, JSON.stringify(resignation.data!.receipt, null, 2), 'application/json')}>Download receipt (JSON)</button>
            </div>
          )}
        </div>
      )}
      {!resigned && scheduled.data && (
        <p className="notice" role="note">
          Resignation scheduled for <strong>{formatTime(scheduled.data.resignAt)}</strong> by {scheduled.data.scheduledBy.actorName || scheduled.data.scheduledBy.actor}.{' '}
          <Link href="/scheduled">Manage scheduled resignations</Link>
        </p>
      )}
      <Section title="Profile">
        <dl className="facts">
          <dt>Status</dt><dd><StatusBadge status={u.status} /> {u.workStatus}</dd>
          <dt>User id</dt><dd><code>{u.userId}</code></dd>
          <dt>Email</dt><dd>{u.email ?? '—'}</dd>
          <dt>Phone</dt><dd>{u.phone ?? '—'}</dd>
          <dt>Username</dt><dd>{u.username ?? '—'}</dd>
          <dt>External id</dt><dd>{u.externalId ?? '—'}</dd>
          <dt>Created</dt><dd>{formatTime(u.createdAt)}</dd>
          <dt>Last sign-in</dt><dd>{formatTime(u.lastLogin ?? undefined)} {u.lastIp && `from ${u.lastIp}`} ({u.loginsCount} in all)</dd>
        </dl>
      </Section>
      <div className="grid">
        <ListSection title="Departments" loaded={departments} rows={(d) => d.list} render={(d) => (
          <>{(d.departmentNamePath ?? [d.name]).join(' / ')}{d.isMainDepartment && ' (main)'}{d.isLeader && ' · leader'}</>
        )} />
        <ListSection title="Roles" loaded={roles} rows={(r) => r} render={(r) => <>{r.name || r.code} <span className="muted">({r.namespace})</span></>} />
        <ListSection title="Groups" loaded={groups} rows={(g) => g.list} render={(g) => <>{g.name || g.code}</>} />
        <ListSection title="Posts" loaded={posts} rows={(p) => p} render={(p) => <>{p.name || p.code}</>} />
        <ListSection title="Grants" loaded={grants} rows={(g) => g} render={(g) => (
          <>{g.effect} {g.actions.join(', ')} on <code>{g.resourceCode}</code> <span className="muted">({g.namespace}{g.source && g.source.targetType !== 'USER' ? `, through ${g.source.targetType.toLowerCase()} ${g.source.targetIdentifier}` : ''})</span></>
        )} />
        <ListSection title="Public accounts" loaded={publicAccounts} rows={(p) => p.list} render={(p) => <Link href={`/users/${p.userId}`}>{displayName(p)}</Link>} />
        <ListSection title="Identities" loaded={identities} rows={(i) => i} render={(i) => <>{i.provider}: <code>{i.userIdInIdp}</code></>} />
        <ListSection title="Live sessions" loaded={sessions} rows={(s) => s} render={(s) => <>{s.appName}</>} />
      </div>
      <Section title="Sign-in history" count={logins.data?.totalCount}>
        <Loading loaded={logins}>
          {(page) => page.list.length === 0 ? <Empty>No sign-ins recorded.</Empty> : (
            <table>
              <thead><tr><th scope="col">When</th><th scope="col">Application</th><th scope="col">Address</th><th scope="col">Outcome</th></tr></thead>
              <tbody>
                {page.list.map((l, i) => (
                  <tr key={i}><td>{formatTime(l.time)}</td><td>{l.appName || '—'}</td><td>{l.clientIp}</td><td>{l.success ? 'Signed in' : `Refused${l.failureReason ? `: ${l.failureReason}` : ''}`}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </Loading>
      </Section>
    </>
  );
}

function ListSection<T, R>({ title, loaded, rows, render }: { title: string; loaded: Loaded<T>; rows: (data: T) => R[]; render: (row: R) => React.ReactNode }) {
  const list = loaded.data ? rows(loaded.data) : undefined;
  return (
    <Section title={title} count={list?.length}>
      <Loading loaded={loaded}>
        {() => (list!.length === 0 ? <Empty>None.</Empty> : <ul className="plain">{list!.map((row, i) => <li key={i}>{render(row)}</li>)}</ul>)}
      </Loading>
    </Section>
  );
}
