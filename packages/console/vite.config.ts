import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Builds to dist/app, which `parley serve` serves on the console port. No
// inline scripts (the node's CSP forbids them), no outside hosts.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
