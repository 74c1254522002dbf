import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

const root = import.meta.dirname;
const alias = { '@shared': resolve(root, 'src-shared') };

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      rolldownOptions: {
        input: {
          index: resolve(root, 'src-main/index.ts'),
          serve: resolve(root, 'src-main/serve.ts'),
          cli: resolve(root, 'src-main/cli/index.ts'),
          'train-worker': resolve(root, 'src-main/workers/train.worker.ts'),
          'inspect-worker': resolve(root, 'src-main/workers/inspect.worker.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    base: './',
    publicDir: false,
    resolve: { alias },
    plugins: [vue()],
    build: {
      // electron-vite leaves the renderer unminified; echarts alone is ~1.4 MB then.
      minify: true,
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
