import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_SCHEMA_FILE, apiSchemaSource } from '../scripts/console-api-types.js';
import { useTestServer } from './helpers/server.js';

const t = useTestServer();

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_SOURCE = join(ROOT, 'src') + sep;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe("the console's API types", () => {
  it('are the ones generated from the OpenAPI document the server serves', async () => {
    const document: unknown = await (await fetch(`${t.url}/openapi.json`)).json();
    const fresh = (await apiSchemaSource(document)).split('\n');
    const committed = readFileSync(API_SCHEMA_FILE, 'utf8').split('\n');
    const line = Array.from({ length: Math.max(committed.length, fresh.length) }, (_, i) => i).find((i) => committed[i] !== fresh[i]);
    expect(line === undefined, `console/src/api-schema.ts is stale from line ${(line ?? 0) + 1} (${JSON.stringify(fresh[line ?? 0] ?? '')}): run \`npm run console:types\` and commit it`).toBe(true);
  });

  it('leave the console importing nothing from the server source (src/)', () => {
    // The scan sees type-only, namespace and dynamic imports alike.
    expect(specifiers("import type * as users from '../../src/schemas/users.js';\nconst m = await import('../src/x.js');")).toEqual(['../../src/schemas/users.js', '../src/x.js']);
    const reaching: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'console'))) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.') && resolve(dirname(file), specifier).startsWith(SERVER_SOURCE)) reaching.push(`${relative(ROOT, file)}: ${specifier}`);
      }
    }
    expect(reaching).toEqual([]);
  });

  it('are read by the console from the generated file only', () => {
    const types = readFileSync(join(ROOT, 'console', 'src', 'types.ts'), 'utf8');
    expect(specifiers(types)).toEqual(['./api-schema']);
  });
});
