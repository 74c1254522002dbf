#!/usr/bin/env node
// `npm start`: the desktop app when Electron can start here; otherwise says why and serves the
// same workbench to a browser (serve mode), printing its address.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defaultMarkerFile, findElectronBinary, RETRY_OPTION } from './electron-binary.mjs';

const root = dirname(import.meta.dirname);
const require = createRequire(import.meta.url);
const extraArgs = process.argv.slice(2).filter((arg) => arg !== RETRY_OPTION);

/** The Electron binary, downloaded on first use; a failed download is not retried on every start. */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    packageDir = undefined;
  }
  const retry = process.argv.includes(RETRY_OPTION);
  return findElectronBinary({ packageDir, markerFile: defaultMarkerFile(root), retry });
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
    detached: true,
  });
  forwardSignals(child);
  child.on('exit', (code) => process.exit(code ?? 0));
}

/**
 * The host runs in its own process group (`detached`), so a Ctrl-C in the terminal reaches it once,
 * through here, and never its workers directly: the host asks them to save a checkpoint and stop
 * (a second Ctrl-C kills them). This script waits for the host to exit and exits with its code.
 */
function forwardSignals(child) {
  const state = { signalled: false };
  const forward = (signal) => {
    state.signalled = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => forward(signal));
  // `npm start` runs this through `sh -c`; a SIGTERM to npm ends that shell, not this script.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    forward('SIGTERM');
  }, 500);
  watch.unref();
  return state;
}

/** The desktop app's SQLite addon must match Electron's ABI; build it on first start. */
function electronSqliteReady() {
  const result = spawnSync(process.execPath, [join(root, 'scripts/rebuild-sqlite-for-electron.mjs')], {
    stdio: 'inherit',
  });
  return result.status === 0;
}

const electron = electronBinary();
if (!electron.binary) serveInstead(electron.hint ? `${electron.reason}.\n${electron.hint}` : electron.reason);
else if (!hasDisplay()) serveInstead('no display (neither DISPLAY nor WAYLAND_DISPLAY is set)');
else if (!electronSqliteReady()) serveInstead('better-sqlite3 could not be built for Electron');
else {
  const child = spawn(electron.binary, [root, ...extraArgs], { stdio: 'inherit', detached: true });
  const forwarded = forwardSignals(child);
  child.on('error', (error) => serveInstead(`launching ${electron.binary} failed: ${error.message}`));
  child.on('exit', (code, signal) => {
    // A crash at start-up (missing shared libraries, GPU trouble) also falls back to the browser.
    if (code !== 0 && code !== null && !signal && !forwarded.signalled)
      serveInstead(`Electron exited with code ${code}`);
    else process.exit(code ?? 0);
  });
}
