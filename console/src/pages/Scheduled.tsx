import { useId, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { post } from '../api';
import { useLoad } from '../hooks';
import { Empty, ErrorNote, Loading, PageHeader, Pager, download, formatTime } from '../components/ui';
import { receiptsOf } from '../offboarding';
import { USER_ID_TYPES, type Schedule, type UserIdType } from '../types';

const LIMIT = 20;
const STATUSES = ['pending', 'done', 'cancelled', 'superseded', 'failed'] as const;

/** A local date and time from a datetime-local field, as the ISO-8601 instant the API takes. */
const toInstant = (local: string) => new Date(local).toISOString();

export function ScheduledPage() {
  const preset = new URLSearchParams(useSearch()).get('ids')?.split(',').filter(Boolean) ?? [];
  const ids = { people: useId(), type: useId(), when: useId(), status: useId() };
  const [people, setPeople] = useState(preset.join('\n'));
  const [idType, setIdType] = useState<UserIdType>('user_id');
  const [when, setWhen] = useState('');
  const [status, setStatus] = useState<string>('pending');
  const [page, setPage] = useState(1);
  const [error, setError] = useState<Error>();
  const [note, setNote] = useState<string>();
  const schedules = useLoad(
    () => post('list-scheduled-resignations', { status: status ? [status] : undefined, page, limit: LIMIT }),
    [status, page],
  );
  const list = people.split(/[\r\n,;]+/).map((v) => v.trim()).filter(Boolean);

  async function schedule(event: React.FormEvent) {
    event.preventDefault();
    setError(undefined);
    setNote(undefined);
    try {
      const answer = await post('schedule-resignation', { userIds: list, userIdType: idType, resignAt: toInstant(when) });
      setNote(`Scheduled ${answer.list.length} ${answer.list.length === 1 ? 'resignation' : 'resignations'} for ${formatTime(answer.list[0]?.resignAt)}.`);
      setPeople('');
      schedules.reload();
    } catch (e) {
      setError(e as Error);
    }
  }

  async function cancel(s: Schedule) {
    setError(undefined);
    setNote(undefined);
    if (!window.confirm(`Cancel the resignation of ${s.identifier} planned for ${formatTime(s.resignAt)}?`)) return;
    try {
      await post('cancel-scheduled-resignation', { scheduleIds: [s.scheduleId] });
      setNote(`Cancelled the resignation of ${s.identifier}.`);
      schedules.reload();
    } catch (e) {
      setError(e as Error);
    }
  }

  async function receipt(s: Schedule) {
    const { csv } = await receiptsOf([s.userId]);
    download(`resignation-receipt-${s.userId}.csv`, csv, 'text/csv');
  }

  return (
    <>
      <PageHeader title="Scheduled resignations" />
      <form className="card" onSubmit={(e) => void schedule(e)} aria-labelledby="schedule-heading">
        <h2 id="schedule-heading">Schedule a resignation</h2>
        <p className="muted">On a person's last day, at the time you choose, the server resigns them exactly as "Resign now" does, and keeps the receipt.</p>
        <label htmlFor={ids.people}>People, one identifier a line ({list.length}, at most 50)</label>
        <textarea id={ids.people} value={people} onChange={(e) => setPeople(e.target.value)} spellCheck={false} required />
        <div className="filters">
          <div>
            <label htmlFor={ids.type}>The identifiers are</label>
            <select id={ids.type} value={idType} onChange={(e) => setIdType(e.target.value as UserIdType)}>
              {USER_ID_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor={ids.when}>Resign at (your local time)</label>
            <input id={ids.when} type="datetime-local" step={1} value={when} onChange={(e) => setWhen(e.target.value)} required />
          </div>
        </div>
        <button type="submit" className="primary" disabled={list.length === 0 || list.length > 50 || !when}>Schedule</button>
      </form>
      {note && <p role="status" className="notice success">{note}</p>}
      <ErrorNote error={error} />
      <div className="filters">
        <div>
          <label htmlFor={ids.status}>Show</label>
          <select id={ids.status} value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }}>
            <option value="">All</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
      </div>
      <Loading loaded={schedules}>
        {(data) => data.list.length === 0 ? <Empty>No scheduled resignation{status ? ` is ${status}` : ''}.</Empty> : (
          <>
            <div className="table-wrap">
              <table>
                <caption className="sr-only">Scheduled resignations</caption>
                <thead><tr><th scope="col">Person</th><th scope="col">Resign at</th><th scope="col">State</th><th scope="col">Scheduled by</th><th scope="col">Action</th></tr></thead>
                <tbody>
                  {data.list.map((s) => (
                    <tr key={s.scheduleId}>
                      <td><Link href={`/users/${s.userId}`}>{s.identifier}</Link></td>
                      <td>{formatTime(s.resignAt)}</td>
                      <td>{s.status}{s.finishedAt && <span className="muted"> {formatTime(s.finishedAt)}</span>}{s.error && <div className="muted">{s.error}</div>}</td>
                      <td>{s.scheduledBy.actorName || s.scheduledBy.actor}</td>
                      <td>
                        {s.status === 'pending' && <button type="button" onClick={() => void cancel(s)} aria-label={`Cancel ${s.identifier}`}>Cancel</button>}
                        {s.status === 'done' && <button type="button" onClick={() => void receipt(s)} aria-label={`Receipt (CSV) of ${s.identifier}`}>Receipt (CSV)</button>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager label="Scheduled resignations" page={page} limit={LIMIT} total={data.totalCount} onPage={setPage} />
          </>
        )}
      </Loading>
    </>
  );
}
