import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary, readDownloadFailure } from '../../scripts/electron-binary.mjs';
import { useTempDir } from '../helpers/temp-dir';

/**
 * A stand-in for the electron package: its install.js (run in a real Node process, as npm start
 * runs the real one) counts its runs and fails like a download without network, or succeeds.
 */
function fakeElectronPackage(dir: string, version: string, succeed: boolean): string {
  const packageDir = join(dir, 'electron');
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: 'electron', version }));
  writeFileSync(
    join(packageDir, 'install.js'),
    `const fs = require('node:fs');
     fs.appendFileSync(${JSON.stringify(join(dir, 'attempts'))}, 'x');
     if (${succeed}) {
       fs.mkdirSync(${JSON.stringify(join(packageDir, 'dist'))}, { recursive: true });
       fs.writeFileSync(${JSON.stringify(join(packageDir, 'dist', 'electron'))}, '');
       fs.writeFileSync(${JSON.stringify(join(packageDir, 'path.txt'))}, 'electron');
     } else {
       console.error('RequestError: getaddrinfo ENOTFOUND github.com');
       process.exit(1);
     }`,
  );
  return packageDir;
}

const attempts = (dir: string) =>
  existsSync(join(dir, 'attempts')) ? readFileSync(join(dir, 'attempts'), 'utf8').length : 0;

describe('the Electron binary download of npm start', () => {
  const tempDir = useTempDir();

  it('tries a failed download once, then says how to retry until asked to', () => {
    const dir = tempDir();
    const markerFile = join(dir, 'cache', 'electron-download-failed.json');
    const packageDir = fakeElectronPackage(dir, '45.4.1', false);
    const log: string[] = [];
    const first = findElectronBinary({ packageDir, markerFile, log: (line) => log.push(line) });
    expect(attempts(dir)).toBe(1);
    expect(log).toEqual(['Fetching the Electron 45.4.1 binary (first start)...']);
    expect(first.reason).toMatch(
      /could not be downloaded \(RequestError: getaddrinfo ENOTFOUND github\.com\)/,
    );
    expect(first.hint).toContain('npm start -- --retry-electron');
    expect(readDownloadFailure(markerFile, '45.4.1')).toMatchObject({
      why: expect.stringContaining('ENOTFOUND'),
    });

    const second = findElectronBinary({ packageDir, markerFile, log: (line) => log.push(line) });
    expect(attempts(dir)).toBe(1);
    expect(log).toHaveLength(1);
    expect(second.reason).toMatch(/could not be downloaded at \d{4}-.* \(RequestError: .*\); not retried/);
    expect(second.hint).toBe(
      `To try the download again: npm start -- --retry-electron (or delete ${markerFile})`,
    );

    findElectronBinary({ packageDir, markerFile, retry: true, log: () => {} });
    expect(attempts(dir)).toBe(2);
  });

  it('tries again for another Electron version, and forgets the failure once a download works', () => {
    const dir = tempDir();
    const markerFile = join(dir, 'cache', 'electron-download-failed.json');
    findElectronBinary({ packageDir: fakeElectronPackage(dir, '45.4.1', false), markerFile, log: () => {} });
    expect(existsSync(markerFile)).toBe(true);
    const packageDir = fakeElectronPackage(dir, '45.5.0', true);
    const found = findElectronBinary({ packageDir, markerFile, log: () => {} });
    expect(attempts(dir)).toBe(2);
    expect(found).toEqual({ binary: join(packageDir, 'dist', 'electron') });
    expect(existsSync(markerFile)).toBe(false);
    // Installed: no download at all.
    findElectronBinary({ packageDir, markerFile, log: () => {} });
    expect(attempts(dir)).toBe(2);
  });

  it('says when the electron package itself is missing', () => {
    expect(findElectronBinary({ markerFile: join(tempDir(), 'marker.json') })).toEqual({
      reason: 'the electron package is not installed',
    });
  });
});
