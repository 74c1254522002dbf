import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import { METRIC, type MetricPoint } from '@shared/metrics';
import type { StudyPoint } from '@shared/study/types';
import { studyReport } from '../../../../src-main/services/studies/report-data';
import { RunStore } from '../../../../src-main/storage/store';
import { useTempDir } from '../../../helpers/temp-dir';

const AXES = [{ field: 'loss', values: [{ name: 'bt' }, { name: 'fft-bt' }], labels: ['BT', 'sBT'] }];

const points = (name: string, entries: [step: number, value: number][]): MetricPoint[] =>
  entries.map(([step, value]) => ({ name, step, epoch: 1, value, wallTimeMs: 1_000 + step }));

/** A study row written the way migration 8 stores one (the studies repo is not needed to read it). */
function insertStudy(store: RunStore, name: string): number {
  const info = store.database
    .prepare(
      `INSERT INTO studies (name, base_json, axes_json, seeds, seed_start, evaluation_json, created_at)
       VALUES (?, '{}', ?, 2, 1, '{}', 0)`,
    )
    .run(name, JSON.stringify(AXES));
  return Number(info.lastInsertRowid);
}

function addRun(store: RunStore, studyId: number | null, loss: { name: string }, seed: number): number {
  const config = runConfigSchema.parse({
    name: `${loss.name} ${seed}`,
    seed,
    loss,
    model: { projectorOutputDim: 32 },
  });
  const { id } = store.runs.create(config);
  const point: StudyPoint = { values: { loss }, labels: { loss: loss.name === 'bt' ? 'BT' : 'sBT' }, seed };
  store.database
    .prepare('UPDATE runs SET study_id = ?, study_point_json = ? WHERE id = ?')
    .run(studyId, JSON.stringify(point), id);
  return id;
}

function linear(store: RunStore, runId: number, top1: number | null): void {
  const evaluation = store.evaluations.create(runId, 'linear', 100, {});
  if (top1 === null) store.evaluations.fail(evaluation.id, 'out of memory');
  else store.evaluations.complete(evaluation.id, { top1, top5: 0.99, trainLoss: 0.5 });
}

describe('studyReport', () => {
  const tempDir = useTempDir();

  it("reads a study's runs with their results, metrics and newest linear evaluation from SQLite", () => {
    const store = RunStore.open(join(tempDir(), 'runs.sqlite'));
    try {
      const studyId = insertStudy(store, 'paper at d 32');
      const other = insertStudy(store, 'another');
      const bt1 = addRun(store, studyId, { name: 'bt' }, 1);
      const bt2 = addRun(store, studyId, { name: 'bt' }, 2);
      const sbt1 = addRun(store, studyId, { name: 'fft-bt' }, 1);
      const sbt2 = addRun(store, studyId, { name: 'fft-bt' }, 2);
      const failed = addRun(store, studyId, { name: 'fft-bt' }, 3);
      addRun(store, other, { name: 'bt' }, 1);
      addRun(store, null, { name: 'bt' }, 1);
      for (const id of [bt1, bt2, sbt1, sbt2]) store.runs.setStatus(id, { status: 'completed' });
      store.runs.setStatus(failed, { status: 'failed', error: 'diverged' });

      store.runs.mergeResults(bt1, { initialKnnTop1: 0.1, finalKnnTop1: 0.8, lossMs: 4 });
      store.runs.mergeResults(bt2, { initialKnnTop1: 0.12, finalKnnTop1: 0.82, lossMs: 6 });
      store.runs.mergeResults(sbt1, { initialKnnTop1: 0.1, finalKnnTop1: 0.79, lossMs: 2 });
      // sBT seed 2: the initial kNN and the loss time only as metrics (no results).
      store.runs.mergeResults(sbt2, { finalKnnTop1: 0.81 });
      store.metrics.append(sbt2, [
        ...points(METRIC.knnTop1, [
          [0, 0.14],
          [100, 0.81],
        ]),
        ...points(METRIC.lossMs, [[5, 2]]),
      ]);
      store.runs.mergeResults(failed, { finalKnnTop1: 0.05, lossMs: 50 });
      // Step times: medians 11.5 (first step's compilation does not move it) and 13.
      store.metrics.append(
        bt1,
        points(METRIC.stepMs, [
          [1, 100],
          [2, 10],
          [3, 12],
          [4, 11],
        ]),
      );
      store.metrics.append(
        bt2,
        points(METRIC.stepMs, [
          [1, 13],
          [2, 13],
          [3, 90],
        ]),
      );

      // BT seed 1: a newer linear evaluation replaces the older; a later failed one does not count.
      linear(store, bt1, 0.6);
      linear(store, bt1, 0.7);
      linear(store, bt1, null);
      linear(store, bt2, 0.72);
      store.evaluations.complete(store.evaluations.create(sbt1, 'knn', 100, {}).id, { top1: 0.9 });
      // sBT seed 2: its linear evaluation still runs.
      store.evaluations.create(sbt2, 'linear', 100, {});

      const report = studyReport(store, studyId);
      expect(report.studyId).toBe(studyId);
      expect(report.name).toBe('paper at d 32');
      const [bt, sbt] = report.rows;
      expect(report.rows).toHaveLength(2);
      expect(bt!.runIds).toEqual([bt1, bt2]);
      expect(sbt!.runIds).toEqual([sbt1, sbt2, failed]);
      expect(bt!.knnInit!.mean).toBeCloseTo(11, 9);
      expect(sbt!.knnInit!.mean).toBeCloseTo(12, 9);
      expect(bt!.knnFinal!.mean).toBeCloseTo(81, 9);
      expect(bt!.knnFinal!.std).toBeCloseTo(Math.SQRT2, 9);
      expect(sbt!.knnFinal).toMatchObject({ n: 2 });
      expect(sbt!.knnFinal!.mean).toBeCloseTo(80, 9);
      expect(bt!.linear!.mean).toBeCloseTo(71, 9);
      expect(bt!.linear!.n).toBe(2);
      expect(sbt!.linear).toBeNull();
      expect(bt!.stepMs).toEqual({ mean: 12.25, std: expect.closeTo(Math.sqrt(1.125), 9), n: 2 });
      expect(bt!.lossMs).toEqual({ mean: 5, std: expect.closeTo(Math.SQRT2, 9), n: 2 });
      expect(sbt!.lossMs).toEqual({ mean: 2, std: 0, n: 2 });
      // 4/2 and 6/2, paired by seed.
      expect(sbt!.speedup).toEqual({ mean: 2.5, std: expect.closeTo(Math.SQRT1_2, 9), n: 2 });
      expect(report.verdict).toEqual([
        'sBT is within 1.0 points of BT in kNN top-1 (80.0 ± 1.4 vs 81.0 ± 1.4, n = 2) at 2.5x lower loss time.',
      ]);
      expect(report.notes).toEqual([
        `1 of 5 runs has not completed (failed: run ${failed}); the figures use completed runs only.`,
        `Linear top-1 is missing for run ${sbt1}.`,
        `Linear evaluation is under way for run ${sbt2}.`,
      ]);
    } finally {
      store.close();
    }
  });

  it('fails with not-found for a study that does not exist', () => {
    const store = RunStore.open(join(tempDir(), 'runs.sqlite'));
    try {
      expect(() => studyReport(store, 42)).toThrow(AppFailure);
      expect(() => studyReport(store, 42)).toThrow(/No study 42/u);
    } finally {
      store.close();
    }
  });
});
