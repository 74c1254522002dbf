import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Walks up from `startDir` to the folder holding `resources/datasets` (source tree or build output). */
export function findResourcesDir(startDir: string): string {
  const fromEnvironment = process.env.DECORBENCH_RESOURCES;
  if (fromEnvironment) return fromEnvironment;
  let dir = startDir;
  for (;;) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'datasets'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`Cannot find the resources folder above ${startDir}; set DECORBENCH_RESOURCES`);
    dir = parent;
  }
}

/**
 * The folder Electron uses as `userData` for this app, so the desktop app, serve mode and the
 * CLI share one database by default.
 */
export function defaultDataDir(): string {
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Decorbench');
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Decorbench');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Decorbench');
  }
}

/** `--db PATH`, else `DECORBENCH_DB`, else the app's data folder. */
export function resolveDatabasePath(fromArgument?: string): string {
  return fromArgument ?? process.env.DECORBENCH_DB ?? join(defaultDataDir(), 'decorbench.sqlite');
}

/** The version in package.json, found above `startDir`. */
export function readAppVersion(startDir: string): string {
  let dir = startDir;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'decorbench') return manifest.version ?? '0.0.0';
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}
