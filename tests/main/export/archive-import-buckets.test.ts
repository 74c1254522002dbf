import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC } from '@shared/metrics';
import { importRunArchive } from '../../../src-main/export/archive-import';
import { writeRunArchive } from '../../../src-main/export/run-archive';
import { parseRunConfig } from '../../../src-main/services/runs.service';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';

describe('an imported run', () => {
  const tempDir = useTempDir();

  it('gets its comparison summaries (not archived: a cache) when it is imported', async () => {
    const dir = tempDir();
    const source = RunStore.open(join(dir, 'source.sqlite'));
    const run = source.runs.create(parseRunConfig({ name: 'long' }));
    source.runs.setStatus(run.id, { status: 'completed', startedAt: 1, endedAt: 2 });
    source.metrics.append(
      run.id,
      Array.from({ length: 5000 }, (_, index) => ({
        name: METRIC.loss,
        step: index + 1,
        epoch: 1,
        value: index === 2999 ? 99 : 1,
        wallTimeMs: 1_700_000_000_000 + index,
      })),
    );
    const archive = join(dir, 'run.jsonl.gz');
    await writeRunArchive(source, run.id, archive);
    source.close();

    const target = RunStore.open(join(dir, 'target.sqlite'));
    const { runId } = await importRunArchive(target, archive);
    expect(target.metricBuckets.filledTo(runId, METRIC.loss, 5)).toBe(Math.floor(5001 / 32));
    expect(target.metricBuckets.filledTo(runId, METRIC.loss, 12)).toBe(1);
    const [top] = target.metricBuckets.buckets(runId, METRIC.loss, 12, 0, 0);
    expect(top).toMatchObject({ count: 4095, maxStep: 3000, maxValue: 99 });
    target.close();
  });
});
