import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/**
 * Builds only the customer pages into out/renderer with the same layout as electron-vite's
 * renderer build (root renderer/, base './'), for working on them while the desktop half
 * does not build. `npm run build` is the normal way: `npx vite build -c test/support/vite.customer.config.ts`.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root: resolve(root, 'renderer'),
  base: './',
  plugins: [vue()],
  logLevel: 'warn',
  build: {
    outDir: resolve(root, 'out/renderer'),
    emptyOutDir: false,
    rolldownOptions: { input: { customer: resolve(root, 'renderer/customer/index.html') } },
  },
});
