/** Row helpers: both databases store booleans as 0/1, JSON as text and times as ISO-8601. */
export const nowIso = (): string => new Date().toISOString();
export const toBool = (v: unknown): boolean => v === 1 || v === true || v === '1';
export const fromBool = (v: boolean | undefined | null): number => (v ? 1 : 0);
export function parseJson<T = unknown>(v: unknown, fallback: T): T {
  if (v === null || v === undefined || v === '') return fallback;
  if (typeof v !== 'string') return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}
export const toJson = (v: unknown): string => JSON.stringify(v ?? null);
/** Undefined for SQL NULL, so optional wire fields are omitted rather than sent as null. */
export const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
