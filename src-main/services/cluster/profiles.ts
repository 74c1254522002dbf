import type { CallHandlers } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';
import type { RunStore } from '../../storage/store';
import type { EventBus } from '../event-bus';

type ProfileCalls = Pick<
  CallHandlers,
  'cluster:profiles' | 'cluster:profile-save' | 'cluster:profile-remove' | 'cluster:jobs'
>;

/** Profiles (Settings page, `cluster profile add|list|remove`) and the Cluster view's job list. */
export function createProfileHandlers(store: RunStore, events: EventBus): ProfileCalls {
  const announce = () => events.emit('cluster:profiles', store.cluster.profiles());
  return {
    'cluster:profiles': () => store.cluster.profiles(),
    'cluster:profile-save': ({ id, settings }) => {
      const sameName = store.cluster.profileByName(settings.name);
      if (sameName && sameName.id !== id)
        throw new AppFailure('invalid-input', `A profile named "${settings.name}" exists already`, {
          name: 'This name is taken',
        });
      let saved;
      if (id === undefined) saved = store.cluster.addProfile(settings);
      else {
        if (!store.cluster.profile(id))
          throw new AppFailure('not-found', `Cluster profile ${id} does not exist`);
        saved = store.cluster.updateProfile(id, settings)!;
      }
      announce();
      return saved;
    },
    'cluster:profile-remove': ({ id }) => {
      const profile = store.cluster.profile(id);
      if (!profile) throw new AppFailure('not-found', `Cluster profile ${id} does not exist`);
      if (profile.activeJobCount > 0)
        throw new AppFailure(
          'conflict',
          `Profile "${profile.settings.name}" has ${profile.activeJobCount} job(s) in Slurm's queue; stop them first`,
        );
      store.cluster.removeProfile(id);
      announce();
      return { id };
    },
    'cluster:jobs': ({ runId, limit }) =>
      store.cluster.jobs({ ...(runId === undefined ? {} : { runId }), limit }),
  };
}
