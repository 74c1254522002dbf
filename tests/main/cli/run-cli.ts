import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BUILD_DIR, requireBuild } from '../../helpers/workbench';

/** Runs the built command line (`node out/main/cli.js ...`) in a real process. */
export function cli(
  args: string[],
  timeout = 120_000,
): { code: number | null; stdout: string; stderr: string } {
  requireBuild();
  const result = spawnSync(process.execPath, [join(BUILD_DIR, 'cli.js'), ...args], {
    encoding: 'utf8',
    timeout,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
