import { useState } from 'react';
import { Link } from 'wouter';
import { get, post } from '../api';
import { useLoad } from '../hooks';
import { Empty, Loading, PageHeader, Pager, formatTime } from '../components/ui';


const LIMIT = 20;

export function WebhooksPage() {
  const [page, setPage] = useState(1);
  const hooks = useLoad(() => get('list-webhooks', { page, limit: LIMIT }), [page]);
  return (
    <>
      <PageHeader title="Webhooks" />
      <Loading loaded={hooks}>
        {(data) => data.list.length === 0 ? <Empty>No webhook yet.</Empty> : (
          <>
            <div className="table-wrap">
              <table>
                <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Created</th></tr></thead>
                <tbody>
                  {data.list.map((h) => (
                    <tr key={h.webhookId}>
                      <td><Link href={`/webhooks/${h.webhookId}`}>{h.name}</Link></td>
                      <td><code>{h.url}</code></td>
                      <td>{h.events.join(', ')}</td>
                      <td>{h.enabled ? 'Enabled' : 'Disabled'}</td>
                      <td>{formatTime(h.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager label="Webhooks" page={page} limit={LIMIT} total={data.totalCount} onPage={setPage} />
          </>
        )}
      </Loading>
    </>
  );
}

export function WebhookPage({ webhookId }: { webhookId: string }) {
  const [page, setPage] = useState(1);
  const hook = useLoad(() => get('get-webhook', { webhookId }), [webhookId]);
  const logs = useLoad(() => post('get-webhook-logs', { webhookId, page, limit: LIMIT }), [webhookId, page]);
  return (
    <>
      <PageHeader title={hook.data ? `Webhook ${hook.data.name}` : 'Webhook'} />
      <p><Link href="/webhooks">All webhooks</Link></p>
      <Loading loaded={hook}>{(h) => <p>Delivers {h.events.join(', ')} to <code>{h.url}</code> ({h.enabled ? 'enabled' : 'disabled'}).</p>}</Loading>
      <h2>Deliveries</h2>
      <Loading loaded={logs}>
        {(data) => data.list.length === 0 ? <Empty>Nothing delivered yet.</Empty> : (
          <>
            <div className="table-wrap">
              <table>
                <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Outcome</th><th scope="col">Delivery</th><th scope="col">Payload</th></tr></thead>
                <tbody>
                  {data.list.map((log, i) => (
                    <tr key={`${log.deliveryId}-${i}`}>
                      <td>{formatTime(log.timestamp)}</td>
                      <td>{log.eventName}</td>
                      <td>{log.success ? `Delivered (${log.responseStatusCode})` : `Failed${log.responseStatusCode ? ` (${log.responseStatusCode})` : ''}${log.errorMessage ? `: ${log.errorMessage}` : ''}`}</td>
                      <td><code>{log.deliveryId}</code></td>
                      <td>
                        <details>
                          <summary>Request and answer</summary>
                          <pre>{JSON.stringify({ request: log.requestBody, answer: log.responseBody }, null, 2)}</pre>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager label="Deliveries" page={page} limit={LIMIT} total={data.totalCount} onPage={setPage} />
          </>
        )}
      </Loading>
    </>
  );
}
