// Tests that spawn server processes run the compiled CLI (`node dist/cli/main.js`), as
// production does; build it once before the suite when the sources changed since the last build.
import { ensureBuilt } from '../scripts/build.mjs';

export default function setup(): void {
  ensureBuilt();
}
