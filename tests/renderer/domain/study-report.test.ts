import { describe, expect, it } from 'vitest';
import { buildStudyReport } from '@shared/study/report';
import type { StudyReport } from '@shared/study/types';
import { bestRows, reportFileName } from '../../../src-renderer/domain/study-report';
import { LOSS_AXIS, PAPER_RUNS } from '../../shared/study/report-fixtures';

const report = (): StudyReport =>
  buildStudyReport({ studyId: 4, name: 'Paper: Fashion-MNIST', axes: [LOSS_AXIS], runs: PAPER_RUNS });

describe('bestRows', () => {
  it('marks the highest accuracy and speed-up and the lowest times, none at initialisation', () => {
    const best = bestRows(report());
    // Rows: BT (kNN 77.5, step 62, loss 3.0), sBT (77.1, 56, 2.0, 1.5x), sBT (no perm.) (74.5, 51, 1.05, 3x).
    expect([...best.knnFinal]).toEqual([0]);
    expect([...best.stepMs]).toEqual([2]);
    expect([...best.lossMs]).toEqual([2]);
    expect([...best.speedup]).toEqual([2]);
    expect(best.knnInit.size).toBe(0);
    // No row has a linear evaluation.
    expect(best.linear.size).toBe(0);
  });

  it('bolds every row tied at the shown precision, and nothing with a single figure', () => {
    const base = report();
    const rows = base.rows.map((row, index) => ({
      ...row,
      knnFinal: { mean: index === 2 ? 70 : 77.54 - index * 0.02, std: 0, n: 3 },
      linear: index === 1 ? { mean: 60, std: 0, n: 3 } : null,
    }));
    const best = bestRows({ ...base, rows });
    // 77.54 and 77.52 both show as 77.5.
    expect([...best.knnFinal]).toEqual([0, 1]);
    expect(best.linear.size).toBe(0);
  });
});

describe('reportFileName', () => {
  it('names the file by the study id and a file-safe name', () => {
    expect(reportFileName(report(), 'csv')).toBe('study-4-paper-fashion-mnist.csv');
    expect(reportFileName({ ...report(), name: '***' }, 'md')).toBe('study-4.md');
  });
});
