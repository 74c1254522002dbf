import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CostStudyDetail, CostStudySummary } from '@shared/cost/types';
import type { Workbench } from '../../../../src-main/services/workbench';
import { useTempDir } from '../../../helpers/temp-dir';
import { testWorkbench } from '../../../helpers/workbench';

describe('cost calls through the workbench (validated input, a real worker)', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
    workbench = undefined;
  });

  it('starts a study with the settings defaults filled in, and gets it with fits when it completes', async () => {
    workbench = testWorkbench(join(tempDir(), 'wb.sqlite'));
    const invalid = await workbench.dispatch('cost:start', { settings: { name: '', dims: [1] } });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const completed = new Promise<CostStudySummary>((resolve) =>
      workbench!.events.subscribe((channel, payload) => {
        if (channel === 'cost:status' && (payload as CostStudySummary).status === 'completed')
          resolve(payload as CostStudySummary);
      }),
    );
    const started = await workbench.dispatch('cost:start', {
      settings: { name: 'wired', losses: ['fft-vicreg'], n: 16, dims: [16, 32], backend: 'wasm', repeats: 1 },
    });
    if (!started.ok) throw new Error(started.error.message);
    const summary = started.value as CostStudySummary;
    // The schema's defaults: b = d, q = 2, permutation on, one warm-up pass, no step.
    expect(summary.settings).toMatchObject({
      blockSizes: ['d'],
      q: 2,
      permutation: true,
      warmup: 1,
      step: null,
    });
    expect((await completed).id).toBe(summary.id);
    const got = await workbench.dispatch('cost:get', { costStudyId: summary.id });
    if (!got.ok) throw new Error(got.error.message);
    const detail = got.value as CostStudyDetail;
    expect(detail.points).toHaveLength(2);
    expect(detail.fits.map((fit) => `${fit.series} ${fit.measure}`)).toEqual([
      'fft-vicreg b=d time',
      'fft-vicreg b=d memory',
    ]);
    expect(await workbench.dispatch('cost:delete', { costStudyId: summary.id })).toEqual({
      ok: true,
      value: { costStudyId: summary.id },
    });
    expect(await workbench.dispatch('cost:list', {})).toEqual({ ok: true, value: [] });
  });
});
