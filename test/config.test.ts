import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi, afterAll, describe, it } from 'vitest';
import { runCli } from './helpers/cli.js';

// Each test spawns CLI processes; on a busy machine a start-up alone can take many seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const dir = mkdtempSync(join(tmpdir(), 'userpool-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid environment; each case breaks exactly one variable of it. */
const good = (): Record<string, string> => ({
  DATABASE_URL: `sqlite:${join(dir, `${randomBytes(4).toString('hex')}.db`)}`,
  USERPOOL_MASTER_KEY: randomBytes(32).toString('base64'),
  PORT: '0',
  LOG_LEVEL: 'silent',
});

const cases: Array<[string, Record<string, string | undefined>, RegExp]> = [
  ['PORT that is not a number', { PORT: 'eighty' }, /^userpool: PORT must be a whole number from 0 to 65535 \(got "eighty"\)$/],
  ['PORT out of range', { PORT: '70000' }, /^userpool: PORT must be a whole number/],
  ['DATABASE_URL with an unsupported scheme', { DATABASE_URL: 'mysql://root@127.0.0.1/userpool' }, /^userpool: DATABASE_URL must start with sqlite: or postgres:\/\//],
  ['DATABASE_URL "sqlite:" without a path', { DATABASE_URL: 'sqlite:' }, /^userpool: DATABASE_URL "sqlite:" needs a file path/],
  ['DATABASE_URL of a PostgreSQL nobody answers at', { DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/userpool' }, /^userpool: DATABASE_URL: cannot open postgres:\/\/\*\*\*@127\.0\.0\.1:1\/userpool \(/],
  ['REDIS_URL with the wrong scheme', { REDIS_URL: 'http://127.0.0.1:6379' }, /^userpool: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
  ['REDIS_URL nobody answers at', { REDIS_URL: 'redis://127.0.0.1:1' }, /^userpool: REDIS_URL: cannot reach redis:\/\/127\.0\.0\.1:1 \(/],
  ['LOG_LEVEL that does not exist', { LOG_LEVEL: 'loud' }, /^userpool: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)$/],
  ['only half a bootstrap key (the id)', { USERPOOL_ACCESS_KEY_ID: 'bootstrap-key-1' }, /^userpool: USERPOOL_ACCESS_KEY_SECRET must be set too/],
  ['only half a bootstrap key (the secret)', { USERPOOL_ACCESS_KEY_SECRET: 'a-long-enough-secret-value' }, /^userpool: USERPOOL_ACCESS_KEY_ID must be set too/],
  ['a bootstrap secret too short to be safe', { USERPOOL_ACCESS_KEY_ID: 'bootstrap-key-1', USERPOOL_ACCESS_KEY_SECRET: 'short' }, /^userpool: USERPOOL_ACCESS_KEY_SECRET must be at least 16 characters$/],
  ['a master key of the wrong length', { USERPOOL_MASTER_KEY: 'dG9vLXNob3J0' }, /^userpool: USERPOOL_MASTER_KEY must be 32 bytes/],
  ['SIGNIN_MAX_FAILURES that is not a number', { SIGNIN_MAX_FAILURES: 'five' }, /^userpool: SIGNIN_MAX_FAILURES must be a whole number from 1 to 1000 \(got "five"\)$/],
  ['SIGNUP_RATE_WINDOW_SECONDS of zero', { SIGNUP_RATE_WINDOW_SECONDS: '0' }, /^userpool: SIGNUP_RATE_WINDOW_SECONDS must be a whole number from 1 to 86400 \(got "0"\)$/],
  ['SIGNUP_RATE_PER_ADDRESS that is not a number', { SIGNUP_RATE_PER_ADDRESS: 'many' }, /^userpool: SIGNUP_RATE_PER_ADDRESS must be a whole number from 0 to 1000000/],
  ['SIGNIN_LOCK_SECONDS of zero', { SIGNIN_LOCK_SECONDS: '0' }, /^userpool: SIGNIN_LOCK_SECONDS must be a whole number from 1 to/],
  ['SIGNING_KEY_ROTATE_DAYS beyond the year keys stay published', { SIGNING_KEY_ROTATE_DAYS: '500' }, /^userpool: SIGNING_KEY_ROTATE_DAYS must be a whole number from 1 to 365/],
  ['DATABASE_POOL_SIZE of zero', { DATABASE_POOL_SIZE: '0' }, /^userpool: DATABASE_POOL_SIZE must be a whole number from 1 to 1000/],
  ['OIDC_ISSUER that is not an http(s) URL', { OIDC_ISSUER: 'id.example.com/oidc' }, /^userpool: OIDC_ISSUER must be an http\(s\) URL/],
  ['LOGIN_HISTORY_DAYS that is negative', { LOGIN_HISTORY_DAYS: '-1' }, /^userpool: LOGIN_HISTORY_DAYS must be a whole number from 0 to 36500/],
  ['PRUNE_INTERVAL_SECONDS beyond a week', { PRUNE_INTERVAL_SECONDS: '999999' }, /^userpool: PRUNE_INTERVAL_SECONDS must be a whole number from 0 to 604800/],
  ['TOKEN_CHECK_CACHE that is neither on nor off', { TOKEN_CHECK_CACHE: 'sometimes' }, /^userpool: TOKEN_CHECK_CACHE must be true or false \(got "sometimes"\)$/],
  ['TOKEN_CHECK_CACHE_SECONDS of zero', { TOKEN_CHECK_CACHE_SECONDS: '0' }, /^userpool: TOKEN_CHECK_CACHE_SECONDS must be a whole number from 1 to 3600/],
  ['OIDC_ISSUER with a trailing slash', { OIDC_ISSUER: 'https://id.example.com/oidc/' }, /^userpool: OIDC_ISSUER must be an http\(s\) URL without a trailing slash/],
];

// Each case is its own process; running them side by side keeps the file quick.
describe.concurrent('start-up refuses a bad environment with one line naming the variable', () => {
  for (const [name, change, expected] of cases) {
    it(`stops on ${name}`, async ({ expect }) => {
      const env = { ...good(), ...change } as Record<string, string>;
      const result = await runCli(['serve'], env);
      expect(result.code).toBe(2);
      const lines = result.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
      expect(result.stderr).not.toContain('hunter2');
      expect(result.stdout).not.toMatch(/listening/i);
    });
  }
});
