import { defineConfig } from 'vite';

/**
 * Built into dist/ and served by the api at `/` (apps/api/src/plugins/app/console.ts): files
 * under dist/assets/ carry a content hash in their names, so the api caches them for a year.
 */
export default defineConfig({
  // Workspace packages (the statistics' schema) resolve to their TypeScript sources.
  resolve: { conditions: ['source'] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 400 },
});
