import { useState } from 'react';
import { get } from '../api';
import { useLoad } from '../hooks';
import { Empty, ErrorNote, Loading, PageHeader, Pager, formatTime } from '../components/ui';

const LIMIT = 20;

export function ApplicationsPage() {
  const [page, setPage] = useState(1);
  const apps = useLoad(() => get('list-applications', { page, limit: LIMIT }), [page]);
  return (
    <>
      <PageHeader title="Applications" />
      <Loading loaded={apps}>
        {(data) => data.list.length === 0 ? <Empty>No application yet.</Empty> : (
          <>
            <div className="table-wrap">
              <table>
                <thead><tr><th scope="col">Name</th><th scope="col">App id</th><th scope="col">Redirect URIs</th><th scope="col">Created</th><th scope="col">Secret</th></tr></thead>
                <tbody>
                  {data.list.map((app) => (
                    <tr key={app.appId}>
                      <td>{app.appName} <span className="muted">({app.appIdentifier})</span></td>
                      <td><code>{app.appId}</code></td>
                      <td>{app.redirectUris.join(', ') || '—'}</td>
                      <td>{formatTime(app.createdAt)}</td>
                      <td><Secret appId={app.appId} appName={app.appName} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager label="Applications" page={page} limit={LIMIT} total={data.totalCount} onPage={setPage} />
          </>
        )}
      </Loading>
    </>
  );
}

/** The secret is fetched only when asked for, and hidden again on request. */
function Secret({ appId, appName }: { appId: string; appName: string }) {
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<Error>();
  if (secret) {
    return (
      <span className="secret">
        <code aria-label={`Secret of ${appName}`}>{secret}</code>{' '}
        <button type="button" onClick={() => setSecret(undefined)}>Hide</button>
      </span>
    );
  }
  return (
    <>
      <button type="button" aria-label={`Show secret of ${appName}`}
        onClick={() => get('get-application-secret', { appId }).then((s) => setSecret(s.secret), setError)}>
        Show secret
      </button>
      <ErrorNote error={error} />
    </>
  );
}
