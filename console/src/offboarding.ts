// The offboarding API (ours, beside GenAuth's resign-user-batch): preview, receipts, schedules.
// Its shapes are the server's schemas (types.ts).
import { chunks, post, postForEnvelope } from './api';
import type { Preview, Receipt, Removed, UserIdType } from './types';

export const RELATIONS: Array<[keyof Removed, string]> = [
  ['departments', 'Departments'],
  ['roles', 'Roles'],
  ['groups', 'Groups'],
  ['posts', 'Posts'],
  ['authorizations', 'Grants'],
  ['publicAccounts', 'Public accounts'],
  ['applicationAccess', 'Application access'],
];

/** The dry run for any number of identifiers, 50 at a time. */
export async function previewAll(ids: string[], userIdType: UserIdType): Promise<Preview> {
  const out: Preview = { list: [], unresolved: [] };
  for (const batch of chunks(ids)) {
    const answer = await post('preview-resignation', { userIds: batch, userIdType });
    out.list.push(...answer.list);
    out.unresolved.push(...answer.unresolved);
  }
  return out;
}

/** Resigns by user id, 50 at a time (each batch all or nothing); answers each batch's request id. */
export async function resignAll(userIds: string[], progress: (done: number) => void): Promise<string[]> {
  const requestIds: string[] = [];
  let done = 0;
  for (const batch of chunks(userIds)) {
    const answer = await postForEnvelope('resign-user-batch', { userIds: batch, userIdType: 'user_id' });
    requestIds.push(answer.requestId);
    done += batch.length;
    progress(done);
  }
  return requestIds;
}

/** Receipts of these people's resignations (the latest first), with the server's CSV of them. */
export async function receiptsOf(userIds: string[]): Promise<{ list: Receipt[]; csv: string }> {
  const list: Receipt[] = [];
  let csv = '';
  for (const batch of chunks(userIds, 500)) {
    const answer = await post('get-resignation-receipts', { userIds: batch, format: 'csv' });
    list.push(...answer.list);
    const text = answer.csv ?? '';
    // One header line for the whole file.
    csv += csv ? text.slice(text.indexOf('\n') + 1) : text;
  }
  return { list, csv };
}

export const count = (removed: Removed | null) => (removed ? RELATIONS.reduce((n, [key]) => n + removed[key].length, 0) : 0);
