/**
 * Parses a query string the way the SDK's axios wrote it: `ids[]=a&ids[]=b` and repeated keys
 * become arrays under the bare name, so that validation and the signature check both see the
 * params object the client signed. The object has no prototype: a key named `constructor`,
 * `toString` or `__proto__` is a param like any other, never a property every object inherits.
 */
export function parseQueryString(text: string): Record<string, string | string[]> {
  const result = Object.create(null) as Record<string, string | string[]>;
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const isArray = rawKey.endsWith('[]');
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    const existing = result[key];
    if (existing === undefined) result[key] = isArray ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[key] = [existing, value];
  }
  return result;
}
