// Finds the Electron binary for `npm start`, downloading it on first use. A failed download is
// remembered in a marker file, so later starts go straight to serve mode instead of waiting for
// the same failure again; `npm start -- --retry-electron` (or deleting the marker) tries again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The option of `npm start` that retries a download that failed before. */
export const RETRY_OPTION = '--retry-electron';

/** Where the failure is remembered: the package cache folder, which `npm ci` clears with the rest. */
export function defaultMarkerFile(root) {
  return join(root, 'node_modules', '.cache', 'decorbench', 'electron-download-failed.json');
}

function electronVersion(packageDir) {
  try {
    return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The remembered failure for this Electron version, if any (another version tries again). */
export function readDownloadFailure(markerFile, version) {
  try {
    const failure = JSON.parse(readFileSync(markerFile, 'utf8'));
    return failure.version === version ? failure : undefined;
  } catch {
    return undefined;
  }
}

function retryHint(markerFile) {
  return `To try the download again: npm start -- ${RETRY_OPTION} (or delete ${markerFile})`;
}

/**
 * The Electron binary (`{ binary }`) or why there is none (`{ reason, hint? }`). electron >= 42
 * downloads the binary on first use rather than at install: that download is tried once per
 * Electron version until it succeeds or `retry` is set.
 *
 * @param {{ packageDir?: string, markerFile: string, retry?: boolean, log?: (line: string) => void,
 *           timeoutMs?: number }} options packageDir undefined: the electron package is not installed
 */
export function findElectronBinary({
  packageDir,
  markerFile,
  retry = false,
  log = console.log,
  timeoutMs = 300_000,
}) {
  if (!packageDir) return { reason: 'the electron package is not installed' };
  const pathFile = join(packageDir, 'path.txt');
  const version = electronVersion(packageDir);
  if (!existsSync(pathFile)) {
    const failure = retry ? undefined : readDownloadFailure(markerFile, version);
    if (failure) {
      return {
        reason: `the Electron ${version} binary could not be downloaded at ${failure.at} (${failure.why}); not retried`,
        hint: retryHint(markerFile),
      };
    }
    log(`Fetching the Electron ${version} binary (first start)...`);
    const download = spawnSync(process.execPath, [join(packageDir, 'install.js')], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      encoding: 'utf8',
    });
    if (download.status !== 0 || !existsSync(pathFile)) {
      const output = `${download.stderr ?? ''}\n${download.stdout ?? ''}`;
      const why = (
        output.split('\n').find((line) => line.trim()) ??
        download.error?.message ??
        'unknown error'
      ).trim();
      mkdirSync(dirname(markerFile), { recursive: true });
      writeFileSync(
        markerFile,
        `${JSON.stringify({ version, at: new Date().toISOString(), why }, null, 2)}\n`,
      );
      return {
        reason: `the Electron binary is not installed and could not be downloaded (${why})`,
        hint: `Later starts skip the download. ${retryHint(markerFile)}`,
      };
    }
    rmSync(markerFile, { force: true });
  }
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { binary } : { reason: `the Electron binary is missing (${binary})` };
}
