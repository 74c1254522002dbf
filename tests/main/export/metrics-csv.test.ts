import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '@shared/metrics';
import { exportMetrics } from '../../../src-main/export/export-run';
import { parseRunConfig } from '../../../src-main/services/runs.service';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';
import { tinyConfig } from '../../helpers/workbench';
import { hasNumpy, numpyCsv } from './numpy';

const START = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('the metrics CSV export (real SQLite file)', () => {
  const tempDir = useTempDir();

  it('leads each step with its epoch and the wall time of its first point', () => {
    const store = RunStore.open(join(tempDir(), 'csv.sqlite'));
    try {
      const runId = store.runs.create(parseRunConfig(tinyConfig())).id;
      // Two epochs of 3 steps, 1 s apart; the kNN at initialisation (step 0, epoch 0) and at the
      // end of step 6, written 0.5 s after that step's loss.
      const points: MetricPoint[] = [
        { name: 'knn/top1', step: 0, epoch: 0, value: 0.1, wallTimeMs: START },
        ...[1, 2, 3, 4, 5, 6].map((step) => ({
          name: 'loss',
          step,
          epoch: Math.ceil(step / 3),
          value: 10 - step,
          wallTimeMs: START + step * 1000,
        })),
        { name: 'knn/top1', step: 6, epoch: 2, value: 0.4, wallTimeMs: START + 6500 },
      ];
      store.metrics.append(runId, points);
      const out = join(tempDir(), 'metrics.csv');
      exportMetrics(store, runId, out);
      const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(lines).toEqual([
        'step,epoch,wall_time_ms,knn/top1,loss',
        `0,0,${START},0.1,`,
        `1,1,${START + 1000},,9`,
        `2,1,${START + 2000},,8`,
        `3,1,${START + 3000},,7`,
        `4,2,${START + 4000},,6`,
        `5,2,${START + 5000},,5`,
        `6,2,${START + 6000},0.4,4`,
      ]);
      if (hasNumpy) {
        const table = numpyCsv(out);
        expect(table.header.slice(0, 3)).toEqual(['step', 'epoch', 'wall_time_ms']);
        expect(table.rows[6]).toEqual([6, 2, START + 6000, 0.4, 4]);
      }
    } finally {
      store.close();
    }
  });
});
