import { describe, expect, it } from 'vitest';
import { ref } from 'vue';
import type { SlurmProfileSettings } from '@shared/cluster/types';
import type { AppError } from '@shared/errors';
import { createApiClient } from '../../../src-renderer/api/client';
import { useClusterJobs } from '../../../src-renderer/composables/useClusterJobs';
import { useClusterProfileForm } from '../../../src-renderer/composables/useClusterProfileForm';
import { useClusterProfiles } from '../../../src-renderer/composables/useClusterProfiles';
import { summary } from '../../helpers/run-summary';
import { useEffectScopes } from '../effect-scopes';
import { clusterJob, clusterProfile, profileSettings } from '../cluster-fixtures';
import { FakeTransport, settle } from '../fake-transport';

const { inScope } = useEffectScopes();

describe('useClusterProfiles', () => {
  it('lists by name, follows the profiles event, and keeps refused saves and removes as errors', async () => {
    const busy: AppError = {
      code: 'conflict',
      message: 'Profile "a100" has 1 job(s) in Slurm\'s queue; stop them first',
    };
    const transport = new FakeTransport()
      .reply('cluster:profiles', [clusterProfile(1, { name: 'zeta' }), clusterProfile(2, { name: 'alpha' })])
      .handle('cluster:profile-save', ({ id, settings }) =>
        settings.name === 'taken'
          ? {
              ok: false,
              error: { code: 'invalid-input', message: 'taken', fields: { name: 'This name is taken' } },
            }
          : { ok: true, value: clusterProfile(id ?? 3, settings as SlurmProfileSettings) },
      )
      .handle('cluster:profile-remove', ({ id }) =>
        id === 1 ? { ok: false, error: busy } : { ok: true, value: { id } },
      );
    const profiles = inScope(() => useClusterProfiles({ api: createApiClient(transport) }));
    await settle();
    expect(profiles.hasLoaded.value).toBe(true);
    expect(profiles.profiles.value.map((item) => item.settings.name)).toEqual(['alpha', 'zeta']);

    expect(await profiles.save(profileSettings({ name: 'taken' }))).toBeNull();
    expect(profiles.saveError.value?.fields).toEqual({ name: 'This name is taken' });
    const added = await profiles.save(profileSettings({ name: 'beta' }));
    expect(added?.id).toBe(3);
    expect(profiles.saveError.value).toBeNull();
    expect(profiles.profiles.value.map((item) => item.settings.name)).toEqual(['alpha', 'beta', 'zeta']);
    // An edit sends the id and replaces the row.
    await profiles.save(profileSettings({ name: 'alpha2' }), 2);
    expect(transport.callsTo('cluster:profile-save').at(-1)).toMatchObject({ id: 2 });
    expect(profiles.profiles.value.map((item) => item.settings.name)).toEqual(['alpha2', 'beta', 'zeta']);

    expect(await profiles.remove(1)).toBe(false);
    expect(profiles.removeError.value).toEqual(busy);
    expect(profiles.profiles.value).toHaveLength(3);
    expect(await profiles.remove(3)).toBe(true);
    expect(profiles.removeError.value).toBeNull();
    expect(profiles.profiles.value.map((item) => item.id)).toEqual([2, 1]);

    // Another window (or the CLI) changed them.
    transport.emit('cluster:profiles', [clusterProfile(7, { name: 'cpu' })]);
    expect(profiles.profiles.value.map((item) => item.id)).toEqual([7]);
  });

  it('recounts runs and active jobs once after a burst of job events', async () => {
    let active = 0;
    const transport = new FakeTransport().handle('cluster:profiles', () => ({
      ok: true,
      value: [{ ...clusterProfile(1), activeJobCount: active }],
    }));
    const profiles = inScope(() => useClusterProfiles({ api: createApiClient(transport), recountMs: 10 }));
    await settle();
    active = 2;
    transport.emit('cluster:job', clusterJob(1));
    transport.emit('cluster:job', clusterJob(2));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(transport.callsTo('cluster:profiles')).toHaveLength(2);
    expect(profiles.profiles.value[0]!.activeJobCount).toBe(2);
  });
});

describe('useClusterProfileForm', () => {
  it('shows a field’s message once it was left, all of them on submit, and the server’s until edited', async () => {
    const serverError = ref<AppError | null>(null);
    const transport = new FakeTransport();
    const form = inScope(() => useClusterProfileForm({ serverError, api: createApiClient(transport) }));
    expect(form.isValid.value).toBe(false);
    form.setValue('runFolder', 'relative/runs');
    expect(form.messages.value).toEqual({});
    form.touch('runFolder');
    expect(form.messages.value).toEqual({
      runFolder: 'An absolute path on shared storage, the same on this machine and the nodes',
    });
    expect(form.submit()).toBeNull();
    expect(Object.keys(form.messages.value).sort()).toEqual(['name', 'runFolder']);
    form.setValue('name', 'a100');
    form.setValue('runFolder', '/shared/runs');
    const settings = form.submit();
    expect(settings).toMatchObject({ name: 'a100', runFolder: '/shared/runs', cpusPerTask: 4 });

    serverError.value = { code: 'invalid-input', message: 'x', fields: { name: 'This name is taken' } };
    await settle();
    expect(form.messages.value).toEqual({ name: 'This name is taken' });
    form.setValue('name', 'a100b');
    expect(form.messages.value).toEqual({});
  });

  it('loads the profile being edited, and keeps what is typed when the same profile arrives again', async () => {
    const editing = ref<SlurmProfileSettings | null>(
      profileSettings({ timeLimit: '04:00:00', extraArgs: ['--qos=high'] }),
    );
    const form = inScope(() =>
      useClusterProfileForm({ settings: editing, api: createApiClient(new FakeTransport()) }),
    );
    expect(form.values.value.timeLimit).toBe('04:00:00');
    expect(form.values.value.extraArgs).toBe('--qos=high');
    form.setValue('partition', 'debug');
    editing.value = profileSettings({ timeLimit: '04:00:00', extraArgs: ['--qos=high'] });
    await settle();
    expect(form.values.value.partition).toBe('debug');
    editing.value = null;
    await settle();
    expect(form.values.value.name).toBe('');
    expect(form.values.value.partition).toBe('');
  });

  it('checks only valid settings, and drops a check answer once the settings change', async () => {
    const transport = new FakeTransport().handle('cluster:check', ({ settings }) => ({
      ok: true,
      value: {
        ok: false,
        checks: [
          { name: 'sbatch', ok: true, detail: 'slurm 22.05.8' },
          { name: 'partition', ok: false, detail: `no partition ${settings.partition}` },
        ],
      },
    }));
    const form = inScope(() => useClusterProfileForm({ api: createApiClient(transport) }));
    expect(await form.runCheck()).toBeNull();
    expect(transport.callsTo('cluster:check')).toHaveLength(0);
    expect(form.messages.value.runFolder).toBe('Name the shared folder for run folders');
    form.setValue('name', 'x');
    form.setValue('runFolder', '/shared');
    form.setValue('partition', 'nope');
    const check = await form.runCheck();
    expect(check?.checks[1]).toEqual({ name: 'partition', ok: false, detail: 'no partition nope' });
    expect(form.check.value).toEqual(check);
    form.setValue('partition', 'debug');
    expect(form.check.value).toBeNull();
  });
});

describe('useClusterJobs', () => {
  it('lists the submitted jobs and follows cluster:job, for all runs or for one', async () => {
    const transport = new FakeTransport().handle('cluster:jobs', (input) => ({
      ok: true,
      value: input?.runId === 2 ? [clusterJob(2)] : [clusterJob(1, { state: 'COMPLETED' }), clusterJob(2)],
    }));
    const api = createApiClient(transport);
    const all = inScope(() => useClusterJobs({ api }));
    const one = inScope(() => useClusterJobs({ runId: 2, api }));
    await settle();
    expect(transport.callsTo('cluster:jobs')).toEqual([{}, { runId: 2 }]);
    expect(all.jobs.value.map((job) => job.id)).toEqual([2, 1]);
    expect(all.activeCount.value).toBe(1);
    expect(one.jobs.value.map((job) => job.id)).toEqual([2]);

    transport.emit('cluster:job', clusterJob(2, { state: 'RUNNING', node: 'vm' }));
    transport.emit('cluster:job', clusterJob(3));
    expect(all.jobs.value.map((job) => [job.id, job.state])).toEqual([
      [3, 'PENDING'],
      [2, 'RUNNING'],
      [1, 'COMPLETED'],
    ]);
    expect(all.activeCount.value).toBe(2);
    expect(one.jobs.value.map((job) => [job.id, job.node])).toEqual([[2, 'vm']]);
    transport.emit('cluster:job', clusterJob(2, { state: 'COMPLETED', exitCode: '0:0' }));
    expect(all.activeCount.value).toBe(1);
    // The run's own status, before Slurm's word on the job.
    transport.emit('run:status', summary({ id: 3, status: 'completed' }));
    expect(all.jobs.value.find((job) => job.id === 3)?.runStatus).toBe('completed');
    expect(all.jobs.value.find((job) => job.id === 3)?.state).toBe('PENDING');
  });
});
