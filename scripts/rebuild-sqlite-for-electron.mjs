#!/usr/bin/env node
// better-sqlite3 12 is a V8-ABI addon: the build npm makes serves this Node (tests, serve mode,
// CLI) but not Electron's main process. This builds a second copy against Electron's headers into
// native/electron-abi-<ABI>/better_sqlite3.node, which the desktop app loads through
// better-sqlite3's `nativeBinding` option; the Node build stays untouched.
// Needs network access to https://electronjs.org/headers (once; node-gyp caches them).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = dirname(import.meta.dirname);
const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
const abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
const target = join(root, 'native', `electron-abi-${abi}`, 'better_sqlite3.node');
if (existsSync(target) && !process.argv.includes('--force')) {
  console.log(`Already built: ${target}`);
  process.exit(0);
}

/** node-gyp ships with npm; use that copy. */
function nodeGyp() {
  const npmCli = process.env.npm_execpath; // .../npm/bin/npm-cli.js when run through npm
  const npmDir = npmCli
    ? dirname(dirname(npmCli))
    : join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  return join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

const work = mkdtempSync(join(tmpdir(), 'decorbench-sqlite-electron-'));
try {
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  cpSync(source, work, { recursive: true, filter: (path) => !path.includes(`${source}/build`) });
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (ABI ${abi})...`);
  // An npmrc `nodedir` would silently build against the system Node's headers instead.
  const env = { ...process.env, npm_config_nodedir: '' };
  const result = spawnSync(
    process.execPath,
    [
      nodeGyp(),
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      `--arch=${process.arch}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: work, stdio: 'inherit', env },
  );
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (result.status !== 0 || !existsSync(built)) {
    console.error(
      'Could not build better-sqlite3 for Electron (Electron headers need https://electronjs.org/headers).',
    );
    process.exit(1);
  }
  if (!readFileSync(built).includes(`node_register_module_v${abi}`)) {
    console.error(`The build does not carry ABI ${abi}; refusing to install it.`);
    process.exit(1);
  }
  mkdirSync(dirname(target), { recursive: true });
  cpSync(built, target);
  console.log(`Installed ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
