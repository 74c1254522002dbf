#!/usr/bin/env node
// Builds out/ with electron-vite when it is missing or older than any source file, so
// `npm start`, `npm run serve` and `npm run cli` always run the current code without
// paying for a build every time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = dirname(import.meta.dirname);
const stamp = join(root, 'out', '.build-stamp');
const quiet = process.argv.includes('--quiet');
const sources = ['src-main', 'src-renderer', 'src-shared'];
const files = ['package.json', 'electron.vite.config.ts'];

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const sourceTime = Math.max(
  ...[...sources, ...files]
    .map((name) => join(root, name))
    .filter(existsSync)
    .map(newestMtime),
);
const builtTime = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (builtTime < sourceTime) {
  if (!quiet) console.error('Building Decorbench (electron-vite build)...');
  const result = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
  if (result.status !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, new Date().toISOString());
}
