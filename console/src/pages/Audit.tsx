import { useId, useState } from 'react';
import { post } from '../api';
import { useDebounced, useLoad } from '../hooks';
import { Empty, ErrorNote, Loading, PageHeader, Pager, download, formatTime, toCsv } from '../components/ui';
import type { AuditEntry } from '../types';


const LIMIT = 25;
/** Exports stop here: a bigger slice of history is better narrowed by its filters first. */
const EXPORT_MAX = 5000;

interface Filters { actor: string; action: string; target: string; from: string; to: string; outcome: string }

function bodyOf(f: Filters) {
  return {
    userId: f.actor.trim() || undefined,
    action: f.action.trim() || undefined,
    targetId: f.target.trim() || undefined,
    start: f.from ? new Date(f.from).getTime() : undefined,
    end: f.to ? new Date(f.to).getTime() : undefined,
    success: f.outcome === '' ? undefined : f.outcome === 'success',
  };
}

export function AuditPage() {
  const [filters, setFilters] = useState<Filters>({ actor: '', action: '', target: '', from: '', to: '', outcome: '' });
  const [page, setPage] = useState(1);
  const [exporting, setExporting] = useState<string>();
  const [exportError, setExportError] = useState<Error>();
  const settled = useDebounced(filters, 300);
  const ids = { actor: useId(), action: useId(), target: useId(), from: useId(), to: useId(), outcome: useId() };
  const entries = useLoad(() => post('get-admin-audit-logs', { ...bodyOf(settled), pagination: { page, limit: LIMIT } }), [settled, page]);

  const set = (key: keyof Filters) => (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    setFilters({ ...filters, [key]: event.target.value });
    setPage(1);
  };

  async function exportAs(format: 'csv' | 'json') {
    setExportError(undefined);
    const all: AuditEntry[] = [];
    try {
      for (let p = 1; all.length < EXPORT_MAX; p++) {
        setExporting(`Exporting… ${all.length} entries so far`);
        const batch = await post('get-admin-audit-logs', { ...bodyOf(filters), pagination: { page: p, limit: 50 } });
        all.push(...batch.list);
        if (batch.list.length < 50 || all.length >= batch.totalCount) break;
      }
    } catch (error) {
      setExportError(error as Error);
      setExporting(undefined);
      return;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (format === 'json') download(`audit-${stamp}.json`, JSON.stringify(all, null, 2), 'application/json');
    else download(`audit-${stamp}.csv`, toCsv(
      ['timestamp', 'actor', 'actorName', 'action', 'targetType', 'targetIds', 'success', 'statusCode', 'message', 'requestId', 'clientIp', 'detail'],
      all.map((e) => [e.timestamp, e.adminUserId, e.adminUserDisplayName, e.action, e.targetType, e.targetIds.join(' '), e.success, e.statusCode, e.message, e.requestId, e.clientIp, e.detail]),
    ), 'text/csv');
    setExporting(`Exported ${all.length} entries${all.length >= EXPORT_MAX ? ` (the first ${EXPORT_MAX}; narrow the filters for the rest)` : ''}.`);
  }

  return (
    <>
      <PageHeader title="Audit log">
        <button type="button" onClick={() => void exportAs('csv')}>Export CSV</button>
        <button type="button" onClick={() => void exportAs('json')}>Export JSON</button>
      </PageHeader>
      {exporting && <p role="status" className="muted">{exporting}</p>}
      <ErrorNote error={exportError} />
      <form className="filters" role="search" aria-label="Audit log filters" onSubmit={(e) => e.preventDefault()}>
        <div><label htmlFor={ids.actor}>Actor</label><input id={ids.actor} value={filters.actor} onChange={set('actor')} placeholder="Administrator or key id" /></div>
        <div><label htmlFor={ids.action}>Action</label><input id={ids.action} value={filters.action} onChange={set('action')} placeholder="e.g. resign-user-batch" /></div>
        <div><label htmlFor={ids.target}>Target</label><input id={ids.target} value={filters.target} onChange={set('target')} placeholder="User or other id" /></div>
        <div><label htmlFor={ids.from}>From</label><input id={ids.from} type="datetime-local" value={filters.from} onChange={set('from')} /></div>
        <div><label htmlFor={ids.to}>To</label><input id={ids.to} type="datetime-local" value={filters.to} onChange={set('to')} /></div>
        <div>
          <label htmlFor={ids.outcome}>Outcome</label>
          <select id={ids.outcome} value={filters.outcome} onChange={set('outcome')}>
            <option value="">Any</option><option value="success">Succeeded</option><option value="failure">Failed</option>
          </select>
        </div>
      </form>
      <Loading loaded={entries}>
        {(data) => data.list.length === 0 ? <Empty>No entry matches.</Empty> : (
          <>
            <div className="table-wrap">
              <table>
                <thead><tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Targets</th><th scope="col">Outcome</th><th scope="col">Details</th></tr></thead>
                <tbody>
                  {data.list.map((e) => (
                    <tr key={`${e.requestId}-${e.targetIds.join()}-${e.timestamp}`}>
                      <td>{formatTime(e.timestamp)}</td>
                      <td>{e.adminUserDisplayName || e.adminUserId}</td>
                      <td><code>{e.action}</code></td>
                      <td>{e.targetIds.length ? e.targetIds.map((t) => <code key={t}>{t} </code>) : '—'}</td>
                      <td>{e.success ? 'Succeeded' : `Failed (${e.statusCode}${e.message ? `: ${e.message}` : ''})`}</td>
                      <td>
                        {e.detail !== undefined && e.detail !== null ? (
                          <details><summary>Request {e.requestId.slice(0, 8)}</summary><pre>{JSON.stringify(e.detail, null, 2)}</pre></details>
                        ) : <span className="muted">Request {e.requestId.slice(0, 8)}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager label="Audit log" page={page} limit={LIMIT} total={data.totalCount} onPage={setPage} />
          </>
        )}
      </Loading>
    </>
  );
}
