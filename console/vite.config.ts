// The admin console's build: `console/` → `dist/console/`, served by the server at /console/.
// scripts/build.mjs runs it when the sources changed (npm start, npm run build, the tests).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    // Hashed names under assets/ are cached for a year; index.html is revalidated (see src/server/console.ts).
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
  },
});
