// Builds the dashboard into static files that `corridor serve` serves at / (by default
// build/web, next to build/corridor; CORRIDOR_WEB_OUT overrides). Nothing is fetched from a CDN:
// MapLibre, uPlot and the Natural Earth outlines (world-atlas) are bundled or emitted as assets.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: process.env.CORRIDOR_WEB_OUT ?? new URL('../build/web', import.meta.url).pathname,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
