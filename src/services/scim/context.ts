import type { Scope } from '../context.js';

/** A SCIM request's view: the token's pool (every query confined to it) and the base URL for `meta.location`. */
export interface ScimContext {
  scope: Scope;
  /** e.g. `https://id.example.com/scim/v2`, without a trailing slash. */
  baseUrl: string;
}

export interface ListQuery {
  filter?: string;
  startIndex?: number;
  count?: number;
  attributes?: string;
  excludedAttributes?: string;
}

/** The most resources one page answers (ServiceProviderConfig `filter.maxResults`). */
export const MAX_RESULTS = 200;
export const DEFAULT_COUNT = 100;

/** RFC 7644 §3.4.2.4: startIndex below 1 means 1; a negative count means 0. */
export function paging(query: ListQuery): { offset: number; limit: number; startIndex: number } {
  const startIndex = Math.max(1, Math.trunc(query.startIndex ?? 1));
  const limit = Math.min(MAX_RESULTS, Math.max(0, Math.trunc(query.count ?? DEFAULT_COUNT)));
  return { offset: startIndex - 1, limit, startIndex };
}

/** If-Match: `*` or the current version (weak or strong form); a mismatch is a 412. */
export function matches(ifMatch: string | undefined, version: string): boolean {
  if (ifMatch === undefined) return true;
  const wanted = ifMatch.split(',').map((v) => v.trim().replace(/^W\//, ''));
  return wanted.includes('*') || wanted.includes(version.replace(/^W\//, ''));
}
