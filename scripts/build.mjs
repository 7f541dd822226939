// Builds `dist/` when it is missing or older than its sources, so that `npm start`, the
// `userpool` bin and the tests that spawn servers always run the current code:
// - the server: `src/` compiled by tsc into `dist/`;
// - the admin console: `console/` bundled by Vite into `dist/console/`, which the server serves at /console.
// Each part has its own stamp, so a change to one does not rebuild the other.
// A deployment without `src/` and `console/` (the container image) runs `dist/` as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const PARTS = {
  server: {
    stamp: join(ROOT, 'dist', '.build-stamp'),
    source: 'src',
    inputs: ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'],
    tool: join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    args: (tool) => [tool, '-p', join(ROOT, 'tsconfig.build.json')],
    label: 'tsc -p tsconfig.build.json',
  },
  console: {
    // Inside dist/console/, which Vite empties and refills at every build.
    stamp: join(ROOT, 'dist', 'console', '.build-stamp'),
    source: 'console',
    inputs: ['console', 'package.json'],
    tool: join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
    args: (tool) => [tool, 'build', '--config', join(ROOT, 'console', 'vite.config.ts'), '--logLevel', 'warn', '--mode', 'production'],
    // Whatever runs the build (vitest sets NODE_ENV=test), the console ships React's production build.
    env: { NODE_ENV: 'production' },
    label: 'vite build (console/)',
    after: compressAssets,
    // What the console's build imports; without them (an install that predates the console) the
    // server still builds and runs, and /console says how to build it.
    needs: ['vite', '@vitejs/plugin-react', 'react', 'react-dom', 'wouter', 'oauth4webapi'],
  },
};

/** gzip and brotli copies of the console's scripts and styles, served as they are (preCompressed). */
function compressAssets() {
  const dir = join(ROOT, 'dist', 'console', 'assets');
  for (const name of readdirSync(dir).filter((n) => /\.(js|css|svg)$/.test(n))) {
    const content = readFileSync(join(dir, name));
    writeFileSync(join(dir, `${name}.gz`), gzipSync(content, { level: 9 }));
    writeFileSync(join(dir, `${name}.br`), brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}

function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

function partIsFresh(part) {
  const hasSource = existsSync(join(ROOT, part.source));
  // The server has no stamp only when it was never built; a checkout without console/ has nothing to build.
  if (!existsSync(part.stamp)) return part === PARTS.console && !hasSource;
  if (!hasSource) return true;
  const built = statSync(part.stamp).mtimeMs;
  return part.inputs.every((input) => !existsSync(join(ROOT, input)) || newestChange(join(ROOT, input)) <= built);
}

function buildPart(part) {
  if (!existsSync(part.tool)) throw new Error(`dist/ is missing or stale and ${part.label.split(' ')[0]} is not installed: run \`npm install\` (with dev dependencies) and \`npm run build\``);
  const started = Date.now();
  const result = spawnSync(process.execPath, part.args(part.tool), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...part.env } });
  if (result.status !== 0) throw new Error(`build failed (${part.label}):\n${result.stdout}${result.stderr}`);
  part.after?.();
  writeFileSync(part.stamp, `${new Date(started).toISOString()}\n`);
}

/** True when every part of `dist/` was built after the last change to its sources and settings. */
export function isBuildFresh() {
  return Object.values(PARTS).every(partIsFresh);
}

/** Builds the server and the console; throws with the tool's output when one does not build. */
export function build() {
  buildPart(PARTS.server);
  if (existsSync(join(ROOT, PARTS.console.source))) buildPart(PARTS.console);
}

/** The packages a part needs that are not installed. */
function missingPackages(part) {
  return (part.needs ?? []).filter((name) => !existsSync(join(ROOT, 'node_modules', name, 'package.json')));
}

/** Builds only the parts that need it; returns whether it built anything. */
export function ensureBuilt() {
  const stale = Object.values(PARTS).filter((part) => !partIsFresh(part));
  let built = false;
  for (const part of stale) {
    const missing = missingPackages(part);
    if (missing.length && part === PARTS.console) {
      console.error(`userpool: the console is not built (${missing.join(', ')} not installed): run \`npm install\``);
      continue;
    }
    buildPart(part);
    built = true;
  }
  return built;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    if (process.argv.includes('--if-stale')) {
      if (ensureBuilt()) console.error('userpool: built dist/');
    } else {
      build();
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
