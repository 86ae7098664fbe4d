import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `vite` in web/ serves the app with hot reload and forwards the API and the dev sign-in to `npm start` (port 7071).
const platform = process.env.PLATFORM_URL ?? 'http://localhost:7071';

export default defineConfig({
  plugins: [react()],
  // The output folder is not emptied first: the local runtime may be serving it while the app is rebuilt.
  build: { outDir: 'dist', emptyOutDir: false, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': platform, '/dev': platform } },
});
