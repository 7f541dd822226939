import { USER_ID_TYPES, type UserIdType } from './types';

/** Splits CSV text into rows of cells (RFC 4180: quoted cells may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows.map((r) => r.map((v) => v.trim())).filter((r) => r.some((v) => v !== ''));
}

const HEADER_NAMES: Record<string, UserIdType> = {
  user_id: 'user_id', userid: 'user_id', id: 'user_id', email: 'email', phone: 'phone', username: 'username',
  external_id: 'external_id', externalid: 'external_id', identity: 'identity', sync_relation: 'sync_relation',
};

/**
 * The identifiers of a CSV: the first column of each row. A first row that names an id type
 * (`email`, `user_id`, …) is a header: it is left out and answers the type.
 */
export function identifiersFromCsv(text: string): { ids: string[]; type?: UserIdType } {
  const rows = parseCsv(text);
  const first = rows[0]?.[0]?.toLowerCase().replace(/[\s-]/g, '_');
  const type = first ? HEADER_NAMES[first] : undefined;
  const ids = (type ? rows.slice(1) : rows).map((r) => r[0]).filter(Boolean);
  return { ids: [...new Set(ids)], type: type && (USER_ID_TYPES as readonly string[]).includes(type) ? type : undefined };
}
