/** `--placement NAME` of `train` and `study create`: a cluster profile by its name (issue 15). */
import type { ClusterProfile } from '@shared/cluster/types';
import type { Workbench } from '../../services/workbench';
import { UsageError } from '../command';

export const PLACEMENT_USAGE = `--placement NAME
                  train on the Slurm cluster profile NAME (see "cluster profile list") instead of
                  this machine: a batch job per run (a study's runs: one job array), followed here
                  through its journal on the profile's shared folder`;

/** The profile named `name`; undefined without the option (this machine). */
export function placementByName(workbench: Workbench, name: string | undefined): ClusterProfile | undefined {
  if (name === undefined || name === 'local') return undefined;
  const profile = workbench.store.cluster.profileByName(name);
  if (profile) return profile;
  const names = workbench.store.cluster.profiles().map((candidate) => candidate.settings.name);
  throw new UsageError(
    names.length > 0
      ? `No cluster profile is named "${name}"; the profiles are: ${names.join(', ')} (or "local")`
      : `No cluster profile is named "${name}": there are none yet; add one with "cluster profile add" (or the Settings page)`,
  );
}
