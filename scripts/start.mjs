#!/usr/bin/env node
// `npm start`: the desktop app when Electron can start here; otherwise says why and serves the
// same workbench to a browser (serve mode), printing its address.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = dirname(import.meta.dirname);
const require = createRequire(import.meta.url);
const extraArgs = process.argv.slice(2);

/**
 * The Electron binary. electron >= 42 downloads it on first use rather than at install; try that
 * download once (it fails fast where there is no network).
 */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    console.log('Fetching the Electron binary (first start)...');
    const download = spawnSync(process.execPath, [join(packageDir, 'install.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
      encoding: 'utf8',
    });
    if (download.status !== 0 || !existsSync(pathFile)) {
      const output = `${download.stderr ?? ''}\n${download.stdout ?? ''}`;
      const why = output.split('\n').find((line) => line.trim()) ?? 'unknown error';
      return { reason: `the Electron binary is not installed and could not be downloaded (${why.trim()})` };
    }
  }
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { binary } : { reason: `the Electron binary is missing (${binary})` };
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function serveInstead(reason) {
  console.log(`Electron cannot start here: ${reason}.`);
  console.log('Serving the same workbench to your browser instead.\n');
  const child = spawn(process.execPath, [join(root, 'out/main/serve.js'), ...extraArgs], {
    stdio: 'inherit',
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

/** The desktop app's SQLite addon must match Electron's ABI; build it on first start. */
function electronSqliteReady() {
  const result = spawnSync(process.execPath, [join(root, 'scripts/rebuild-sqlite-for-electron.mjs')], {
    stdio: 'inherit',
  });
  return result.status === 0;
}

const electron = electronBinary();
if (!electron.binary) serveInstead(electron.reason);
else if (!hasDisplay()) serveInstead('no display (neither DISPLAY nor WAYLAND_DISPLAY is set)');
else if (!electronSqliteReady()) serveInstead('better-sqlite3 could not be built for Electron');
else {
  const child = spawn(electron.binary, [root, ...extraArgs], { stdio: 'inherit' });
  child.on('error', (error) => serveInstead(`launching ${electron.binary} failed: ${error.message}`));
  child.on('exit', (code, signal) => {
    // A crash at start-up (missing shared libraries, GPU trouble) also falls back to the browser.
    if (code !== 0 && code !== null && !signal) serveInstead(`Electron exited with code ${code}`);
    else process.exit(code ?? 0);
  });
}
