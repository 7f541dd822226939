import { defineConfig } from 'vitest/config';

/**
 * Runs the official SDK's own specs (they ship in authing-node-sdk/test, written for jest)
 * against a real Userpool server: `npm run test:sdk -- <family>`.
 */
export default defineConfig({
  test: {
    root: 'node_modules/authing-node-sdk/test',
    dir: 'node_modules/authing-node-sdk/test',
    include: ['{organizations,department,groups,roles,resource,namespace,users}/**/*.spec.ts'],
    exclude: [],
    globals: true,
    globalSetup: [new URL('./test/sdk-specs/global-setup.ts', import.meta.url).pathname],
    setupFiles: [new URL('./test/sdk-specs/env.ts', import.meta.url).pathname, new URL('./test/sdk-specs/cloud-fixtures.ts', import.meta.url).pathname],
    alias: [
      { find: /^\.\.\/\.\.\/src\/models$/, replacement: new URL('./test/sdk-specs/models-shim.ts', import.meta.url).pathname },
      { find: /^\.\.\/\.\.\/src$/, replacement: new URL('./test/sdk-specs/sdk-index-shim.ts', import.meta.url).pathname },
    ],
    testTimeout: 30_000,
    maxWorkers: 1,
    server: { deps: { inline: [/authing-node-sdk/] } },
  },
});
