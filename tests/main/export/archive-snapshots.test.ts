import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { importRunArchive } from '../../../src-main/export/archive-import';
import { writeRunArchive } from '../../../src-main/export/run-archive';
import { RunStore } from '../../../src-main/storage/store';
import { fakeSnapshot } from '../../helpers/fake-snapshot';
import { useTempDir } from '../../helpers/temp-dir';
import { tinyConfig } from '../../helpers/workbench';

describe('run archives carry inspector snapshots', () => {
  const tempDir = useTempDir();

  it('exports and imports every snapshot (float32 and float16), and not the view cache', async () => {
    const dir = tempDir();
    const source = RunStore.open(join(dir, 'source.sqlite'));
    const target = RunStore.open(join(dir, 'target.sqlite'));
    try {
      const runId = source.runs.create(runConfigSchema.parse(tinyConfig())).id;
      source.runs.setStatus(runId, { status: 'completed', endedAt: Date.now() });
      const snapshots = [
        { step: 0, dtype: 'float32' as const, data: fakeSnapshot(8, 16, 4, true) },
        { step: 5, dtype: 'float16' as const, data: fakeSnapshot(8, 16, 0, false, 3) },
        // Larger than an archive's chunk line (1 MiB): its bytes span several lines.
        { step: 9, dtype: 'float32' as const, data: fakeSnapshot(64, 4096, 8, true, 5) },
      ];
      for (const { step, dtype, data } of snapshots) {
        const stored = source.snapshots.insert(runId, {
          step,
          epoch: 1,
          source: 'training',
          dtype,
          probeSeed: 3,
          data,
        });
        source.snapshots.putView(stored.id, 'cached', new Uint8Array([9, 9]));
      }
      const archive = join(dir, 'run.jsonl.gz');
      const written = await writeRunArchive(source, runId, archive);
      expect(written.rows.snapshots).toBe(3);
      const imported = await importRunArchive(target, archive);
      const before = source.snapshots.list(runId);
      const after = target.snapshots.list(imported.runId);
      const strip = ({ id: _id, runId: _run, ...rest }: (typeof before)[number]) => rest;
      expect(after.map(strip)).toEqual(before.map(strip));
      after.forEach((summary, i) => {
        expect(target.snapshots.load(summary.id)!.data).toEqual(source.snapshots.load(before[i]!.id)!.data);
        expect(target.snapshots.view(summary.id, 'cached')).toBeUndefined();
      });
      expect(target.database.pragma('foreign_key_check')).toEqual([]);
    } finally {
      source.close();
      target.close();
    }
  });
});
