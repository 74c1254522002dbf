/**
 * Placing runs on a cluster profile (issue 15) as they are created: each placed run gets its
 * folder on the profile's shared storage and keeps the profile's settings of that moment (a later
 * edit of the profile does not move it).
 */
import { posix } from 'node:path';
import type { ClusterProfile } from '@shared/cluster/types';
import { AppFailure } from '@shared/errors';
import type { RunStore } from '../../storage/store';

/** The profile new runs go to; undefined (or null) places them on this machine. */
export function placementProfile(
  store: RunStore,
  profileId: number | null | undefined,
): ClusterProfile | undefined {
  if (profileId === undefined || profileId === null) return undefined;
  const profile = store.cluster.profile(profileId);
  if (!profile) {
    const known = store.cluster.profiles().map((candidate) => `${candidate.id} (${candidate.settings.name})`);
    throw new AppFailure(
      'not-found',
      `Cluster profile ${profileId} does not exist; ${known.length > 0 ? `profiles: ${known.join(', ')}` : 'there are no profiles yet'}`,
    );
  }
  return profile;
}

/** `<runFolder>/run-<runId>`: the same path on this machine and the nodes. */
export const runFolderOf = (profile: ClusterProfile, runId: number): string =>
  posix.join(profile.settings.runFolder, `run-${runId}`);

/** Places created runs on the profile; call inside the transaction that creates them. */
export function placeRuns(store: RunStore, runIds: readonly number[], profile: ClusterProfile): void {
  for (const runId of runIds) store.cluster.placeRun(runId, profile, runFolderOf(profile, runId));
}
