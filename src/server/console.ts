import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * What the console's pages may load: its own scripts, styles and API, nothing inline, nothing
 * from elsewhere; it cannot be framed. Signing in leaves the page for the hosted sign-in page,
 * which carries its own policy.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The built console: dist/console/ beside the compiled server (dist/server/ → dist/console/), or
 * the repository's dist/console/ when the server runs from src/ (tests, `npm run dev`).
 */
export function consoleDirectory(): string | undefined {
  const candidates = [new URL('../console/', import.meta.url), new URL('../../dist/console/', import.meta.url)];
  const found = candidates.find((url) => existsSync(new URL('index.html', url)));
  return found && fileURLToPath(found);
}

/**
 * The admin console at /console/: a single-page application built by scripts/build.mjs. Hashed
 * assets are cached for a year; every other path under /console/ answers index.html (the page
 * routes itself), revalidated at each load so a new build is picked up at once.
 */
export async function registerConsole(app: FastifyInstance, directory = consoleDirectory()): Promise<void> {
  const config = { auth: 'none' as const };
  const schema = { hide: true };
  if (!directory) {
    const missing = async () => ({ statusCode: 503, message: 'The console is not built: run `npm run build` (or `npm start`, which builds it).' });
    app.get('/console', { config, schema }, async (_request, reply) => reply.code(503).send(await missing()));
    app.get('/console/*', { config, schema }, async (_request, reply) => reply.code(503).send(await missing()));
    return;
  }
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      return payload;
    });
    await scope.register(fastifyStatic, {
      root: directory,
      prefix: '/console/',
      // Routes for the files that exist; any other path falls through to the page below.
      wildcard: false,
      index: false,
      // scripts/build.mjs writes .br and .gz beside each asset; the browser gets the smallest it accepts.
      preCompressed: true,
      allowedPath: (path) => !path.endsWith('.build-stamp'),
      cacheControl: false,
      setHeaders: (res, path) => {
        res.setHeader('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    const page = async (_request: unknown, reply: import('fastify').FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
    scope.get('/console', { config, schema }, page);
    scope.get('/console/*', { config, schema }, async (request, reply) => {
      // A missing asset is a 404, not the page: a stale tab asking for an old bundle must fail visibly.
      if (request.url.startsWith('/console/assets/')) return reply.code(404).header('cache-control', 'no-store').send({ statusCode: 404, message: 'no such console asset' });
      return page(request, reply);
    });
  });
}
