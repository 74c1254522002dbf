import { ref } from 'vue';
import { describe, expect, it } from 'vitest';
import type { CallInput } from '@shared/api/contract';
import type { RunSummary } from '@shared/runs';
import type { StudySummary } from '@shared/study/types';
import { createApiClient } from '../../../src-renderer/api/client';
import { useRunConfigForm } from '../../../src-renderer/composables/useRunConfigForm';
import { useStudyForm } from '../../../src-renderer/composables/useStudyForm';
import { useEffectScopes } from '../effect-scopes';
import { FakeTransport, settle } from '../fake-transport';

const { inScope } = useEffectScopes();
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The New-run form's Where: a run (or a study) goes to the chosen Slurm profile as `profileId`. */
describe('placement from the New-run form', () => {
  it('creates a run on this machine, or on the chosen profile', async () => {
    const transport = new FakeTransport().handle('runs:create', () => ({
      ok: true,
      value: { id: 1 } as RunSummary,
    }));
    const profileId = ref<number | null>(null);
    const form = inScope(() => useRunConfigForm({ profileId, api: createApiClient(transport) }));
    await form.submit();
    profileId.value = 3;
    await form.submit();
    const sent = transport.callsTo('runs:create') as CallInput<'runs:create'>[];
    expect(sent.map((input) => input.profileId)).toEqual([undefined, 3]);
    expect('profileId' in sent[0]!).toBe(false);
    expect(sent[1]!.config).toEqual(sent[0]!.config);
  });

  it('launches a study on the chosen profile', async () => {
    const transport = new FakeTransport()
      .reply('studies:presets', [])
      .handle('studies:preview', ({ spec }) => ({
        ok: true,
        value: {
          runs: [{ point: { values: {}, labels: {}, seed: 0 }, name: spec.name, config: null, issues: [] }],
          valid: true,
          estimate: { perRunMs: null, totalMs: null, wallMs: null, source: 'none', detail: '' },
        },
      }))
      .handle('studies:create', () => ({ ok: true, value: { id: 5 } as StudySummary }));
    const profileId = ref<number | null>(2);
    const study = inScope(() =>
      useStudyForm({ base: { name: 'base' }, profileId, debounceMs: 5, api: createApiClient(transport) }),
    );
    study.enabled.value = true;
    study.name.value = 'grid';
    await settle();
    await wait(30);
    expect(study.canLaunch.value).toBe(true);
    expect((await study.launch())?.id).toBe(5);
    expect(transport.callsTo('studies:create')).toEqual([
      expect.objectContaining({ start: true, profileId: 2 }),
    ]);
  });
});
