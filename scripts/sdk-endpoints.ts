// `npx tsx scripts/sdk-endpoints.ts`: which of the official SDK's ManagementClient endpoints this
// server answers. Reads every `/api/v3/…` URL the SDK's ManagementClient calls and every path in
// the server's own OpenAPI document (a real server on a throwaway SQLite database), and prints
// the count and the endpoints not built.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server/start.js';

const sdkRoot = dirname(createRequire(import.meta.url).resolve('authing-node-sdk/package.json'));
const source = readFileSync(join(sdkRoot, 'src', 'ManagementClient.ts'), 'utf8');
const sdk = [...new Set([...source.matchAll(/url: "(\/api\/v3\/[a-z0-9-]+)"/g)].map((m) => m[1]))].sort();

const dir = mkdtempSync(join(tmpdir(), 'userpool-endpoints-'));
const server = await startServer(
  loadConfig({
    DATABASE_URL: `sqlite:${join(dir, 'userpool.db')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    USERPOOL_MASTER_KEY: randomBytes(32).toString('base64'),
  }),
  () => {},
);
try {
  const document = (await (await fetch(`${server.url.replace('localhost', '127.0.0.1')}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  const ours = new Set(Object.keys(document.paths));
  const built = sdk.filter((url) => ours.has(url));
  const missing = sdk.filter((url) => !ours.has(url));
  console.log(`ManagementClient endpoints answered: ${built.length} of ${sdk.length}`);
  if (process.argv.includes('--missing')) for (const url of missing) console.log(`  not built: ${url}`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
