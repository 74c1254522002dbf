/**
 * What the `cluster` commands share: a CLI workbench whose calls go through its dispatcher (as
 * the Settings and Cluster pages reach the same handlers), and finding a profile by its name.
 */
import type { ClusterProfile } from '@shared/cluster/types';
import { AppFailure } from '@shared/errors';
import { createHeadlessWorkbench } from '../../host/headless';
import type { Workbench } from '../../services/workbench';
import type { CliContext } from '../command';
import { call } from './study-common';

export { call };

export function openClusterWorkbench(context: CliContext, db: string | undefined): Workbench {
  return createHeadlessWorkbench({ buildDir: context.buildDir, host: 'cli', databasePath: db });
}

/** Opens a CLI workbench, runs `body` with it, and closes it whatever happens. */
export async function withClusterWorkbench<T>(
  context: CliContext,
  db: string | undefined,
  body: (workbench: Workbench) => Promise<T>,
): Promise<T> {
  const workbench = openClusterWorkbench(context, db);
  try {
    return await body(workbench);
  } finally {
    await workbench.close();
  }
}

export async function profileByName(workbench: Workbench, name: string): Promise<ClusterProfile> {
  const profiles = await call(workbench, 'cluster:profiles', {});
  const profile = profiles.find((candidate) => candidate.settings.name === name);
  if (profile) return profile;
  const known = profiles.map((candidate) => candidate.settings.name).join(', ');
  throw new AppFailure(
    'not-found',
    `No cluster profile named "${name}" (${known ? `profiles: ${known}` : 'none yet; add one with: cluster profile add NAME --run-folder DIR'})`,
  );
}
