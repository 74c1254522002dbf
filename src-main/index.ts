/**
 * Electron composition root: one window, the preload, IPC registration and utilityProcess
 * workers. Everything else lives in services that also run in plain Node (serve mode, CLI).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session, shell, utilityProcess } from 'electron';
import { forwardEvents, registerIpcHandlers } from './host/ipc/ipc-host';
import { guardNavigation, isTrustedSender } from './host/ipc/renderer-guard';
import { REPEAT_SIGNAL_MS } from './host/shutdown';
import { findResourcesDir } from './paths';
import { createWorkbench, type Workbench } from './services/workbench';
import { DatabaseOpenError } from './storage/database';
import { createUtilityProcessSpawner } from './workers/utility-process.spawner';

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
/** The one page the window shows and the only one whose IPC calls are answered (origin and path). */
const ownPageUrl = rendererUrl ?? pathToFileURL(rendererFile).href;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 880,
    title: 'Decorbench',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  // Links open in the system browser; the window itself never navigates away.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  guardNavigation(window.webContents, ownPageUrl);
  if (rendererUrl) void window.loadURL(rendererUrl);
  else void window.loadFile(rendererFile);
  return window;
}

/** Where scripts/rebuild-sqlite-for-electron.mjs puts the addon built for this Electron's ABI. */
function electronSqliteBinding(): string {
  const base = app.isPackaged ? process.resourcesPath : join(import.meta.dirname, '../..');
  return join(base, 'native', `electron-abi-${process.versions.modules}`, 'better_sqlite3.node');
}

let workbench: Workbench | undefined;

/** A database it cannot use (not SQLite, a newer schema, read-only) is said in a dialog, not a stack. */
function openWorkbench(options: Parameters<typeof createWorkbench>[0]): Workbench | undefined {
  try {
    return createWorkbench(options);
  } catch (error) {
    if (!(error instanceof DatabaseOpenError)) throw error;
    console.error(error.message);
    dialog.showErrorBox('Decorbench cannot open its database', error.message);
    app.exit(1);
    return undefined;
  }
}

app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const resourcesDir = app.isPackaged
    ? join(process.resourcesPath, 'resources')
    : findResourcesDir(import.meta.dirname);
  workbench = openWorkbench({
    databasePath: join(app.getPath('userData'), 'decorbench.sqlite'),
    spawn: createUtilityProcessSpawner(utilityProcess, join(import.meta.dirname, 'train-worker.js')),
    inspectWorkerEntry: join(import.meta.dirname, 'inspect-worker.js'),
    cliEntry: join(import.meta.dirname, 'cli.js'),
    resourcesDir,
    host: 'electron',
    appVersion: app.getVersion(),
    // better-sqlite3 is a V8-ABI addon: Electron needs its own build (npm run rebuild:electron-sqlite).
    sqliteBinding: process.env.DECORBENCH_SQLITE_BINDING ?? electronSqliteBinding(),
  });
  if (!workbench) return;
  registerIpcHandlers(ipcMain, workbench.dispatch, (event) => isTrustedSender(event, ownPageUrl));
  forwardEvents(workbench.events, (channel, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(channel, payload);
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let closing = false;
app.on('will-quit', (event) => {
  if (!workbench || closing) return;
  // Give running workers the chance to stop cleanly (with a checkpoint) before the process ends.
  closing = true;
  event.preventDefault();
  const running = workbench.supervisor.activeRunIds.length;
  if (running > 0)
    console.log(
      `Stopping: ${running} running worker(s) asked to save a checkpoint and stop; waiting up to ${workbench.supervisor.stopTimeout / 1000} s, then they are killed.`,
    );
  void workbench.close({ notify: (line) => console.log(line) }).finally(() => app.quit());
});

// Ctrl-C or SIGTERM on `npm start` (scripts/start.mjs forwards them): quit through will-quit, so
// workers save a checkpoint; a second Ctrl-C (not the same press repeated) kills them at once.
let firstSignalMs: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (firstSignalMs === undefined) {
      firstSignalMs = Date.now();
      console.log(`Stopping (${signal}); Ctrl-C again kills running workers at once.`);
      app.quit();
    } else if (Date.now() - firstSignalMs >= REPEAT_SIGNAL_MS) {
      console.log('Killing running workers now.');
      workbench?.supervisor.killAll();
      if (!workbench) app.exit(130);
    }
  });
}
