import { defineConfig } from 'vite';

declare const process: { env: Record<string, string | undefined> };

// `npm run dev` proxies the API and the socket to a running siberius-server
// (SIBERIUS_SERVER, default http://127.0.0.1:8080). The Host header is kept
// (no changeOrigin), so the server's Origin check for cookie-authenticated
// WebSockets and POSTs sees the page's own origin and lets it through.
const server = process.env.SIBERIUS_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // JSX with React's automatic runtime, by Vite's own transform (oxc):
  // @vitejs/plugin-react would only add Fast Refresh in development.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: server },
      '/health': { target: server },
      '/socket.io': { target: server, ws: true },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      '/api': { target: server },
      '/health': { target: server },
      '/socket.io': { target: server, ws: true },
    },
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    // The module-preload polyfill is inlined into the entry chunk, never as an
    // inline <script> (the CSP forbids those); modern browsers do not need it.
    modulePreload: { polyfill: false },
    // Everything above 4 KiB stays a file: CSP img-src allows data: but
    // style-src 'self' is happier with plain files.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
});
