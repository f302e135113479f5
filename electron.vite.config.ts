import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('.', import.meta.url));
const rendererRoot = resolve(root, 'renderer');

/**
 * The console always builds; the customer pages (owned by core/http's author) join the
 * multi-page build once renderer/customer/index.html exists, so either half builds alone.
 */
function rendererInput(): Record<string, string> {
  const input: Record<string, string> = { console: resolve(rendererRoot, 'console/index.html') };
  const customer = resolve(rendererRoot, 'customer/index.html');
  if (existsSync(customer)) input.customer = customer;
  return input;
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      lib: { entry: { index: resolve(root, 'electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // Sandboxed preloads can neither be ESM nor require node_modules: one self-contained CJS file.
      externalizeDeps: false,
      lib: { entry: resolve(root, 'electron/preload.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: rendererRoot,
    base: './',
    plugins: [vue()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: rendererInput() },
    },
  },
});
