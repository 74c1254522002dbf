import { join } from 'node:path';
import type { SystemInfo } from '@shared/api/contract';
import { findResourcesDir, readAppVersion, resolveDatabasePath } from '../paths';
import { createWorkbench, type Workbench } from '../services/workbench';
import { createChildProcessSpawner } from '../workers/child-process.spawner';

export interface HeadlessOptions {
  /** The folder of the built entry files (out/main), where train-worker.js lives. */
  buildDir: string;
  host: SystemInfo['host'];
  databasePath?: string;
  maxConcurrentRuns?: number;
  /** How long a worker may take to stop (with its checkpoint) before it is killed. */
  stopTimeoutMs?: number;
}

/** The services wired for plain Node (serve mode and CLI): child_process workers, files found from the build folder. */
export function createHeadlessWorkbench(options: HeadlessOptions): Workbench {
  return createWorkbench({
    databasePath: resolveDatabasePath(options.databasePath),
    spawn: createChildProcessSpawner(join(options.buildDir, 'train-worker.js')),
    inspectWorkerEntry: join(options.buildDir, 'inspect-worker.js'),
    cliEntry: join(options.buildDir, 'cli.js'),
    resourcesDir: findResourcesDir(options.buildDir),
    host: options.host,
    appVersion: readAppVersion(options.buildDir),
    maxConcurrentRuns: options.maxConcurrentRuns,
    stopTimeoutMs: options.stopTimeoutMs,
  });
}
