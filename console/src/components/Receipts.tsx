import { Link } from 'wouter';
import { RELATIONS } from '../offboarding';
import type { Receipt } from '../types';
import { formatTime } from './ui';

/** One row per receipt: who, when, by whom, and how much went. */
export function ReceiptTable({ receipts, names }: { receipts: Receipt[]; names?: Map<string, string> }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">Resignation receipts</caption>
        <thead>
          <tr>
            <th scope="col">Person</th><th scope="col">Resigned</th><th scope="col">By</th>
            {RELATIONS.map(([key, label]) => <th scope="col" key={key}>{label}</th>)}
            <th scope="col">Sessions ended</th><th scope="col">Events queued</th><th scope="col">Request</th>
          </tr>
        </thead>
        <tbody>
          {receipts.map((r) => (
            <tr key={r.receiptId}>
              <td>
                {names?.get(r.userId) ? <><Link href={`/users/${r.userId}`}>{names.get(r.userId)}</Link><div><code className="muted">{r.userId}</code></div></>
                  : <Link href={`/users/${r.userId}`}><code>{r.userId}</code></Link>}
              </td>
              <td>{formatTime(r.resignedAt)}</td>
              <td>{r.actorName || r.actor}{r.scheduleId && <span className="muted"> (scheduled)</span>}</td>
              {RELATIONS.map(([key]) => <td key={key}>{r.removed[key].length}</td>)}
              <td>{r.sessionsEnded.length + r.signOnSessionsEnded}</td>
              <td>{r.eventsQueued.length}</td>
              <td><code>{r.requestId.slice(0, 8)}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
