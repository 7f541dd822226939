#!/usr/bin/env node
// The `userpool` command runs the compiled CLI in dist/. In a source checkout it builds dist/
// first when the sources changed since the last build; a deployment ships dist/ built.
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src', import.meta.url))) {
  const { ensureBuilt } = await import('../scripts/build.mjs');
  try {
    if (ensureBuilt()) console.error('userpool: built dist/');
  } catch (error) {
    console.error(`userpool: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
await import('../dist/cli/main.js');
