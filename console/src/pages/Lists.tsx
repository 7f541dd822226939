import { useId, useState } from 'react';
import { get, type Page } from '../api';
import { useDebounced, useLoad } from '../hooks';
import { Empty, Loading, PageHeader, Pager } from '../components/ui';
import type { Data, Endpoint, Query } from '../types';

const LIMIT = 20;

/** What a listing asks of its endpoint. */
type ListQuery = { page: number; limit: number; keywords?: string };

/** The GET endpoints that take a page and keywords and answer a page: what a listing can show. */
type Listable = {
  [N in Endpoint<'get'>]: [ListQuery, keyof ListQuery] extends [Query<N>, keyof Query<N>] ? (Data<N, 'get'> extends Page<unknown> ? N : never) : never;
}[Endpoint<'get'>];

type Row<N extends Listable> = Data<N, 'get'> extends Page<infer T> ? T : never;

/** A searchable, paged table of one kind of thing. */
function Listing<N extends Listable>({ title, endpoint, columns, rowKey }: {
  title: string;
  endpoint: N;
  columns: Array<[string, (row: Row<N>) => React.ReactNode]>;
  rowKey: (row: Row<N>) => string;
}) {
  const [keywords, setKeywords] = useState('');
  const [page, setPage] = useState(1);
  const search = useDebounced(keywords.trim());
  const id = useId();
  // TypeScript does not follow a generic name through the document's types: Listable vouches for the query and the page.
  const rows = useLoad(
    () => get<Listable>(endpoint, { page, limit: LIMIT, keywords: search || undefined }) as Promise<Page<Row<N>>>,
    [endpoint, page, search],
  );
  return (
    <>
      <PageHeader title={title} />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor={id}>Search {title.toLowerCase()}</label>
          <input id={id} type="search" value={keywords} onChange={(e) => { setKeywords(e.target.value); setPage(1); }} />
        </div>
      </form>
      <Loading loaded={rows}>
        {(data) => data.list.length === 0 ? <Empty>Nothing here yet.</Empty> : (
          <>
            <div className="table-wrap">
              <table>
                <thead><tr>{columns.map(([name]) => <th scope="col" key={name}>{name}</th>)}</tr></thead>
                <tbody>
                  {data.list.map((row) => <tr key={rowKey(row)}>{columns.map(([name, cell]) => <td key={name}>{cell(row)}</td>)}</tr>)}
                </tbody>
              </table>
            </div>
            <Pager label={title} page={page} limit={LIMIT} total={data.totalCount} onPage={setPage} />
          </>
        )}
      </Loading>
    </>
  );
}

export const RolesPage = () => (
  <Listing title="Roles" endpoint="list-roles" rowKey={(r) => r.id} columns={[
    ['Name', (r) => r.name || '—'], ['Code', (r) => <code>{r.code}</code>], ['Namespace', (r) => r.namespace], ['Status', (r) => r.status], ['Description', (r) => r.description || '—'],
  ]} />
);

export const GroupsPage = () => (
  <Listing title="Groups" endpoint="list-groups" rowKey={(g) => g.id} columns={[
    ['Name', (g) => g.name || '—'], ['Code', (g) => <code>{g.code}</code>], ['Type', (g) => g.type], ['Description', (g) => g.description || '—'],
  ]} />
);

export const PostsPage = () => (
  <Listing title="Posts" endpoint="list-post" rowKey={(p) => p.id} columns={[
    ['Name', (p) => p.name || '—'], ['Code', (p) => <code>{p.code}</code>], ['Members', (p) => p.userCount ?? '—'], ['Departments', (p) => p.departmentIdList.length], ['Description', (p) => p.description || '—'],
  ]} />
);
