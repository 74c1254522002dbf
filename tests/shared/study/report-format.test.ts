import { describe, expect, it } from 'vitest';
import { buildStudyReport } from '@shared/study/report';
import { csvField, reportToCsv, reportToMarkdown } from '@shared/study/report-format';
import { LOSS_AXIS, PAPER_RUNS, fixtureRun } from './report-fixtures';

const report = () => buildStudyReport({ studyId: 4, name: 'paper', axes: [LOSS_AXIS], runs: PAPER_RUNS });

describe('reportToMarkdown', () => {
  it('writes the verdict, a table of mean ± std with n, and the notes', () => {
    const lines = reportToMarkdown(report()).split('\n');
    expect(lines[0]).toBe('## paper (study 4)');
    expect(lines).toContain(
      '- sBT is within 0.4 points of BT in kNN top-1 (77.1 ± 0.2 vs 77.5 ± 0.3, n = 3) at 1.5x lower loss time.',
    );
    expect(lines).toContain(
      '| Method | b | Perm. | d | kNN top-1 init (%) | kNN top-1 final (%) | Linear top-1 (%) | Step (ms) | Loss (ms) | Speed-up | n |',
    );
    expect(lines).toContain(
      '| BT | — | — | 64 | 21.0 ± 1.0 | 77.5 ± 0.3 | — | 62.0 ± 2.0 | 3.0 ± 0.3 | 1.00x ± 0.00 | 3 |',
    );
    expect(lines).toContain(
      '| sBT | 64 | on | 64 | 20.0 ± 0.0 | 77.1 ± 0.2 | — | 56.0 ± 1.0 | 2.0 ± 0.2 | 1.50x ± 0.00 | 3 |',
    );
    expect(lines).toContain(
      '| sBT (no perm.) | 64 | off | 64 | 21.0 ± 1.4 | 74.5 ± 0.7 | — | 51.0 ± 1.4 | 1.1 ± 0.1 | 3.00x ± 0.00 | 2 of 3 |',
    );
    expect(lines).toContain(
      '- 1 of 9 runs has not completed (failed: run 9); the figures use completed runs only.',
    );
  });

  it('marks a figure that fewer runs than the cell has with its own n, and escapes pipes', () => {
    const runs = [
      fixtureRun({
        runId: 1,
        loss: { name: 'bt' },
        label: 'BT',
        seed: 0,
        knnFinal: 0.5,
        lossMs: 2,
        extra: { field: 'model.backbone', value: 'a|b', label: 'a|b' },
      }),
      fixtureRun({
        runId: 2,
        loss: { name: 'bt' },
        label: 'BT',
        seed: 1,
        knnFinal: 0.6,
        extra: { field: 'model.backbone', value: 'a|b', label: 'a|b' },
      }),
    ];
    const markdown = reportToMarkdown(buildStudyReport({ studyId: 1, name: 'x', runs }));
    expect(markdown).toContain('| Method | b | Perm. | d | model.backbone |');
    expect(markdown).toContain(
      '| BT | — | — | 64 | a\\|b | — | 55.0 ± 7.1 | — | — | 2.0 ± 0.0 (n = 1) | 1.00x ± 0.00 (n = 1) | 2 |',
    );
  });
});

describe('reportToCsv', () => {
  it('writes one row per cell with mean, std and n columns and CRLF lines', () => {
    const csv = reportToCsv(report());
    const lines = csv.split('\r\n');
    expect(lines.at(-1)).toBe('');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 7)).toEqual([
      'method',
      'loss',
      'block_size',
      'permutation',
      'd',
      'runs',
      'completed',
    ]);
    expect(header).toContain('knn_final_top1_pct_std');
    const row = (index: number) =>
      Object.fromEntries(header.map((name, column) => [name, lines[index]!.split(',')[column]]));
    expect(row(1)).toMatchObject({
      method: 'BT',
      block_size: '',
      permutation: '',
      knn_final_top1_pct_mean: '77.5',
      knn_final_top1_pct_std: '0.3',
      knn_final_top1_pct_n: '3',
      linear_top1_pct_mean: '',
      linear_top1_pct_n: '0',
      speedup_mean: '1',
      run_ids: '1 2 3',
    });
    expect(row(3)).toMatchObject({
      method: 'sBT (no perm.)',
      block_size: '64',
      permutation: 'none',
      runs: '3',
      completed: '2',
      knn_final_top1_pct_mean: '74.5',
      knn_final_top1_pct_std: '0.707107',
      speedup_mean: '3',
      speedup_n: '2',
    });
  });

  it('quotes fields the RFC 4180 way', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('sBT (b=64, no perm.)')).toBe('"sBT (b=64, no perm.)"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
  });
});
