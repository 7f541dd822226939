// Builds `dist/` from `src/` with tsc when it is missing or older than the sources, so that
// `npm start`, the `userpool` bin and the tests that spawn servers always run the current code.
// A deployment without `src/` (the container image) runs `dist/` as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

/** True when `dist/` was built after the last change to the sources and build settings. */
export function isBuildFresh() {
  if (!existsSync(STAMP)) return false;
  if (!existsSync(join(ROOT, 'src'))) return true;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.every((input) => !existsSync(join(ROOT, input)) || newestChange(join(ROOT, input)) <= built);
}

/** Compiles `src/` into `dist/`; throws with tsc's output when the code does not compile. */
export function build() {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new Error('dist/ is missing or stale and TypeScript is not installed: run `npm install` (with dev dependencies) and `npm run build`');
  const started = Date.now();
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed (tsc -p tsconfig.build.json):\n${result.stdout}${result.stderr}`);
  writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
}

/** Builds only when needed; returns whether it did. */
export function ensureBuilt() {
  if (isBuildFresh()) return false;
  build();
  return true;
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
