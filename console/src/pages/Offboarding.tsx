import { useEffect, useId, useRef, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { get, post } from '../api';
import { useDebounced, useLoad } from '../hooks';
import { ErrorNote, PageHeader, StatusBadge, download } from '../components/ui';
import { identifiersFromCsv } from '../csv';
import { RELATIONS, count, previewAll, receiptsOf, resignAll } from '../offboarding';
import { displayName, USER_ID_TYPES, type Preview, type PreviewItem, type Receipt, type User, type UserIdType } from '../types';
import { ReceiptTable } from '../components/Receipts';

type Step = 'choose' | 'preview' | 'done';

const TYPE_LABELS: Record<UserIdType, string> = {
  user_id: 'User ids', email: 'Emails', phone: 'Phone numbers', username: 'Usernames', external_id: 'External ids',
  identity: 'Identities (extIdpId:userIdInIdp)', sync_relation: 'Sync relations (provider:userIdInIdp)',
};

/**
 * Offboarding in three steps: choose people (picked, pasted or from a CSV), see exactly what
 * resigning them removes (the server's dry run), confirm by typing how many, then keep the receipts.
 */
export function OffboardingPage() {
  const search = useSearch();
  const preset = new URLSearchParams(search).get('ids')?.split(',').filter(Boolean) ?? [];
  const [step, setStep] = useState<Step>('choose');
  const [idType, setIdType] = useState<UserIdType>('user_id');
  const [ids, setIds] = useState<string[]>(preset);
  const [preview, setPreview] = useState<Preview>();
  const [names, setNames] = useState<Map<string, User>>(new Map());
  const [receipts, setReceipts] = useState<{ list: Receipt[]; csv: string }>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), [step]);

  async function runPreview() {
    setError(undefined);
    setBusy(`Previewing ${ids.length} ${ids.length === 1 ? 'person' : 'people'}…`);
    try {
      const answer = await previewAll(ids, idType);
      const users = new Map<string, User>();
      for (let i = 0; i < answer.list.length; i += 50) {
        const batch = answer.list.slice(i, i + 50).map((p) => p.userId);
        for (const u of await get('get-user-batch', { userIds: batch })) users.set(u.userId, u);
      }
      setNames(users);
      setPreview(answer);
      setStep('preview');
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
    }
  }

  async function resign(toResign: PreviewItem[]) {
    setError(undefined);
    const userIds = toResign.map((p) => p.userId);
    try {
      setBusy(`Resigning 0 of ${userIds.length}…`);
      await resignAll(userIds, (done) => setBusy(`Resigning ${done} of ${userIds.length}…`));
      setBusy('Fetching the receipts…');
      setReceipts(await receiptsOf(userIds));
      setStep('done');
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      <PageHeader title="Offboarding" />
      <ol className="steps" aria-label="Steps">
        <li aria-current={step === 'choose' ? 'step' : undefined}>1. Choose people</li>
        <li aria-current={step === 'preview' ? 'step' : undefined}>2. Preview and confirm</li>
        <li aria-current={step === 'done' ? 'step' : undefined}>3. Receipts</li>
      </ol>
      {busy && <p role="status" className="notice">{busy}</p>}
      <ErrorNote error={error} />
      {step === 'choose' && (
        <Choose headingRef={heading} ids={ids} setIds={setIds} idType={idType} setIdType={setIdType} onPreview={() => void runPreview()} busy={Boolean(busy)} />
      )}
      {step === 'preview' && preview && (
        <PreviewStep headingRef={heading} preview={preview} names={names} busy={Boolean(busy)}
          onBack={() => setStep('choose')}
          onDropUnresolved={() => { setIds(ids.filter((id) => !preview.unresolved.includes(id))); setStep('choose'); }}
          onResign={(list) => void resign(list)} />
      )}
      {step === 'done' && receipts && (
        <section aria-labelledby="receipts-heading">
          <h2 id="receipts-heading" ref={heading} tabIndex={-1}>Resigned: {new Set(receipts.list.map((r) => r.userId)).size} {receipts.list.length === 1 ? 'person' : 'people'}</h2>
          <p className="notice success" role="status">Done. Each person's receipt is below and stays retrievable from the audit log.</p>
          <div className="actions-row">
            <button type="button" onClick={() => download(`resignation-receipts-${stamp()}.csv`, receipts.csv, 'text/csv')}>Download receipts (CSV)</button>
            <button type="button" onClick={() => download(`resignation-receipts-${stamp()}.json`, JSON.stringify(receipts.list, null, 2), 'application/json')}>Download receipts (JSON)</button>
            <button type="button" onClick={() => { setIds([]); setPreview(undefined); setReceipts(undefined); setStep('choose'); }}>Offboard more people</button>
          </div>
          <ReceiptTable receipts={receipts.list} names={new Map([...names].map(([id, u]) => [id, displayName(u)]))} />
        </section>
      )}
    </>
  );
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

function Choose(props: {
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  ids: string[]; setIds: (ids: string[]) => void;
  idType: UserIdType; setIdType: (t: UserIdType) => void;
  onPreview: () => void; busy: boolean;
}) {
  const { ids, setIds, idType, setIdType } = props;
  const fieldIds = { type: useId(), file: useId(), paste: useId(), find: useId(), note: useId() };
  const [text, setText] = useState(ids.join('\n'));
  const [fileNote, setFileNote] = useState<string>();
  const [keywords, setKeywords] = useState('');
  const found = useDebounced(keywords.trim());
  const matches = useLoad(
    () => (found ? post('list-users', { keywords: found, options: { pagination: { page: 1, limit: 8 } } }) : Promise.resolve({ list: [], totalCount: 0 })),
    [found],
  );

  useEffect(() => setText(ids.join('\n')), [ids]);
  const fromText = (value: string) => {
    setText(value);
    setIds([...new Set(value.split(/[\r\n,;]+/).map((v) => v.trim()).filter(Boolean))]);
  };
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const parsed = identifiersFromCsv(await file.text());
    if (parsed.type) setIdType(parsed.type);
    setIds(parsed.ids);
    setFileNote(`${file.name}: ${parsed.ids.length} identifiers${parsed.type ? ` (${TYPE_LABELS[parsed.type].toLowerCase()}, from its header)` : ''}.`);
  };
  const add = (user: User) => {
    if (idType !== 'user_id') return;
    if (!ids.includes(user.userId)) setIds([...ids, user.userId]);
  };

  return (
    <section aria-labelledby="choose-heading">
      <h2 id="choose-heading" ref={props.headingRef} tabIndex={-1}>Who leaves?</h2>
      <div className="grid">
        <div className="card">
          <label htmlFor={fieldIds.find}>Find a person</label>
          <input id={fieldIds.find} type="search" value={keywords} onChange={(e) => setKeywords(e.target.value)} placeholder="Name, email, phone or username"
            disabled={idType !== 'user_id'} aria-describedby={idType !== 'user_id' ? fieldIds.note : undefined} />
          {idType !== 'user_id' && <p id={fieldIds.note} className="muted">Picking people adds user ids; switch the list to user ids to pick.</p>}
          <ul className="plain picks" aria-label="Matching people">
            {matches.data?.list.map((u) => (
              <li key={u.userId}>
                <button type="button" onClick={() => add(u)} disabled={ids.includes(u.userId) || u.status === 'Resigned'}
                  aria-label={`Add ${displayName(u)}${u.email ? ` (${u.email})` : ''}`}>
                  Add
                </button>{' '}
                {displayName(u)} <span className="muted">{u.email}</span> {u.status !== 'Activated' && <StatusBadge status={u.status} />}
              </li>
            ))}
          </ul>
        </div>
        <div className="card">
          <label htmlFor={fieldIds.file}>Upload a CSV</label>
          <input id={fieldIds.file} type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void onFile(e.target.files?.[0])} />
          <p className="muted">The first column of each row; a first row naming the type (<code>email</code>, <code>user_id</code>, …) sets it.</p>
          {fileNote && <p role="status">{fileNote}</p>}
        </div>
      </div>
      <div className="card">
        <label htmlFor={fieldIds.type}>The identifiers are</label>
        <select id={fieldIds.type} value={idType} onChange={(e) => setIdType(e.target.value as UserIdType)}>
          {USER_ID_TYPES.map((t) => <option key={t} value={t}>{TYPE_LABELS[t]}</option>)}
        </select>
        <label htmlFor={fieldIds.paste}>Identifiers, one a line ({ids.length})</label>
        <textarea id={fieldIds.paste} value={text} onChange={(e) => fromText(e.target.value)} spellCheck={false} />
      </div>
      <button type="button" className="primary" disabled={ids.length === 0 || props.busy} onClick={props.onPreview}>
        Preview the resignation of {ids.length} {ids.length === 1 ? 'person' : 'people'}
      </button>
    </section>
  );
}

function PreviewStep(props: {
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  preview: Preview;
  names: Map<string, User>;
  busy: boolean;
  onBack: () => void;
  onDropUnresolved: () => void;
  onResign: (list: PreviewItem[]) => void;
}) {
  const { preview, names } = props;
  const confirmId = useId();
  const [typed, setTyped] = useState('');
  // The same person named twice (by email and by phone) is resigned once.
  const unique = [...new Map(preview.list.map((p) => [p.userId, p])).values()];
  const toResign = unique.filter((p) => !p.alreadyResigned);
  const already = unique.filter((p) => p.alreadyResigned);
  const blocked = preview.unresolved.length > 0;
  const total = (key: keyof NonNullable<PreviewItem['removed']>) => toResign.reduce((n, p) => n + (p.removed?.[key].length ?? 0), 0);

  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading" ref={props.headingRef} tabIndex={-1}>
        Resigning {toResign.length} {toResign.length === 1 ? 'person' : 'people'} would remove
      </h2>
      {blocked && (
        <div className="alert" role="alert">
          <p>{preview.unresolved.length} {preview.unresolved.length === 1 ? 'identifier matches' : 'identifiers match'} nobody, so this batch would be refused as a whole:</p>
          <ul>{preview.unresolved.map((id) => <li key={id}><code>{id}</code></li>)}</ul>
          <button type="button" onClick={props.onDropUnresolved}>Leave them out and preview again</button>
        </div>
      )}
      {already.length > 0 && <p className="notice">{already.length} already resigned: nothing changes for {already.length === 1 ? 'them' : 'them'} ({already.map((p) => displayName(names.get(p.userId) ?? { userId: p.userId })).join(', ')}).</p>}
      <dl className="totals" aria-label="In all">
        {RELATIONS.map(([key, label]) => <div key={key}><dt>{label}</dt><dd>{total(key)}</dd></div>)}
        <div><dt>Application sessions</dt><dd>{toResign.reduce((n, p) => n + p.sessionsEnded.length, 0)}</dd></div>
        <div><dt>Sign-in sessions</dt><dd>{toResign.reduce((n, p) => n + p.signOnSessionsEnded, 0)}</dd></div>
        <div><dt>Events</dt><dd>{toResign.reduce((n, p) => n + p.eventsQueued.length, 0)}</dd></div>
      </dl>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">What resigning each person removes</caption>
          <thead>
            <tr>
              <th scope="col">Person</th><th scope="col">Identifier</th><th scope="col">Status</th>
              {RELATIONS.map(([key, label]) => <th scope="col" key={key}>{label}</th>)}
              <th scope="col">Sessions ended</th><th scope="col">Events</th>
            </tr>
          </thead>
          <tbody>
            {unique.map((p) => {
              const u = names.get(p.userId);
              return (
                <tr key={p.userId}>
                  <td><Link href={`/users/${p.userId}`}>{u ? displayName(u) : p.userId}</Link>{p.schedulesSuperseded.length > 0 && <div className="muted">replaces a scheduled resignation</div>}</td>
                  <td><code>{p.id}</code></td>
                  <td><StatusBadge status={p.status} />{p.alreadyResigned && <span className="muted"> no change</span>}</td>
                  {RELATIONS.map(([key]) => <td key={key}>{p.removed?.[key].length ?? 0}</td>)}
                  <td>{p.sessionsEnded.length + p.signOnSessionsEnded}</td>
                  <td>{p.eventsQueued.map((e) => e.type).join(', ') || '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted">{toResign.reduce((n, p) => n + count(p.removed), 0)} relations in all. Profiles, identities and custom data are kept; the accounts are closed for good.</p>
      <div className="card confirm">
        <label htmlFor={confirmId}>To resign them, type the number of people: {toResign.length}</label>
        <input id={confirmId} inputMode="numeric" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} disabled={blocked || toResign.length === 0} />
        <div className="actions-row">
          <button type="button" className="danger" disabled={blocked || props.busy || toResign.length === 0 || typed.trim() !== String(toResign.length)} onClick={() => props.onResign(toResign)}>
            Resign {toResign.length} {toResign.length === 1 ? 'person' : 'people'} now
          </button>
          <Link className="button" href={`/scheduled?ids=${toResign.map((p) => p.userId).join(',')}`}>Schedule for a later date instead…</Link>
          <button type="button" onClick={props.onBack}>Back</button>
        </div>
      </div>
    </section>
  );
}
