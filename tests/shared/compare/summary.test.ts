import { describe, expect, it } from 'vitest';
import type { EvaluationSummary } from '@shared/runs';
import { describeSample } from '@shared/compare/statistics';
import {
  alignedSeriesCsv,
  alignSeries,
  csvField,
  evaluationTop1,
  formatFigure,
  formatStats,
  groupSummaryCsv,
  SUMMARY_FIGURES,
  summaryCsv,
} from '@shared/compare/summary';
import { compareRow } from './compare-row';

const evaluation = (overrides: Partial<EvaluationSummary>): EvaluationSummary => ({
  id: 1,
  runId: 1,
  kind: 'linear',
  checkpointStep: 10,
  status: 'completed',
  createdAt: 0,
  endedAt: 0,
  settings: {},
  results: { top1: 0.5 },
  error: null,
  ...overrides,
});

describe('summary figures', () => {
  it('take their units from the shared metric table', () => {
    const format = Object.fromEntries(SUMMARY_FIGURES.map((figure) => [figure.key, figure.format]));
    expect(format).toMatchObject({
      knnTop1Final: 'ratio',
      probeTop1: 'ratio',
      medianStepMs: 'ms',
      peakRssBytes: 'bytes',
      loss: 'number',
      trainingMs: 'duration',
    });
  });

  it('read as people read them', () => {
    expect(formatFigure(0.6173, 'ratio')).toBe('61.7%');
    expect(formatFigure(12.34, 'ms')).toBe('12.3 ms');
    expect(formatFigure(35 * 2 ** 20, 'bytes')).toBe('35.0 MiB');
    expect(formatFigure(65_000, 'duration')).toBe('1m05s');
    expect(formatFigure(0.12345, 'number')).toBe('0.1235');
    expect(formatFigure(null, 'ratio')).toBe('-');
    expect(formatStats(describeSample([0.6, 0.62, 0.64]), 'ratio')).toBe('62.0% ± 2.0% (n=3)');
    expect(formatStats(describeSample([100]), 'count')).toBe('100 (n=1)');
    expect(formatStats(describeSample([100, 101]), 'count')).toBe('101 ± 0.707 (n=2)');
    expect(formatStats(describeSample([4, 4]), 'count')).toBe('4 ± 0 (n=2)');
    expect(formatStats(null, 'ratio')).toBe('-');
  });

  it("take the offline evaluation of the run's latest checkpoint, completed only", () => {
    const row = compareRow({
      evaluations: [
        evaluation({ id: 1, checkpointStep: 20, results: { top1: 0.7 } }),
        evaluation({ id: 2, checkpointStep: 10, results: { top1: 0.9 } }),
        evaluation({ id: 3, checkpointStep: 20, results: { top1: 0.75 } }),
        evaluation({ id: 4, checkpointStep: 30, status: 'failed', results: {} }),
        evaluation({ id: 5, kind: 'knn', checkpointStep: 20, results: { top1: 0.6, k: 20 } }),
      ],
    });
    expect(evaluationTop1(row, 'linear')).toBe(0.75);
    expect(evaluationTop1(row, 'knn')).toBe(0.6);
    expect(evaluationTop1(compareRow(), 'knn')).toBeNull();
  });
});

describe('CSV', () => {
  it('quotes fields with commas, quotes or line breaks, and writes nothing for null or NaN', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
  });

  it('writes the summary table with raw numbers and units in the column names', () => {
    const csv = summaryCsv([
      compareRow({
        runId: 3,
        name: 'bt, seed 1',
        tags: ['baseline', 'seed1'],
        backend: 'wasm',
        steps: 12,
        totalSteps: 12,
        trainingMs: 4200,
        loss: 1.5,
        knnTop1Final: 0.25,
        peakRssBytes: 1024,
      }),
    ]).split('\n');
    expect(csv[0]).toBe(
      'run_id,name,status,tags,backend,device,total_steps,steps,training_ms,loss,knn_top1_initial,' +
        'knn_top1_final,probe_top1,median_step_ms,loss_share,peak_rss_bytes,linear_eval_top1,knn_eval_top1',
    );
    expect(csv[1]).toBe('3,"bt, seed 1",completed,baseline seed1,wasm,,12,12,4200,1.5,,0.25,,,,1024,,');
    expect(csv[2]).toBe('');
  });

  it('writes a grouped summary as mean, std and n per figure', () => {
    const figures = Object.fromEntries(SUMMARY_FIGURES.map((figure) => [figure.key, null])) as Parameters<
      typeof groupSummaryCsv
    >[0][number]['figures'];
    figures.loss = describeSample([1, 2]);
    const [header, line] = groupSummaryCsv([{ label: 'loss.name=bt', runIds: [1, 3], figures }]).split('\n');
    const columns = header!.split(',');
    const cells = line!.split(',');
    const at = (name: string) => cells[columns.indexOf(name)];
    expect(columns.slice(0, 2)).toEqual(['group', 'run_ids']);
    expect([at('group'), at('run_ids'), at('loss_mean'), at('loss_n')]).toEqual([
      'loss.name=bt',
      '1 3',
      '1.5',
      '2',
    ]);
    expect(Number(at('loss_std'))).toBeCloseTo(Math.SQRT1_2, 12);
    expect([at('knn_top1_final_mean'), at('knn_top1_final_std'), at('knn_top1_final_n')]).toEqual([
      '',
      '',
      '0',
    ]);
  });

  it('aligns series on the union of their steps, leaving a gap where a series has no point', () => {
    const series = [
      { label: 'run 1 loss', steps: [0, 10, 20], values: [3, 2, null] },
      { label: 'run 2 loss', steps: [0, 5, 20], values: [4, 3.5, 1] },
    ];
    expect(alignSeries(series)).toEqual({
      steps: [0, 5, 10, 20],
      columns: [
        [3, null, 2, null],
        [4, 3.5, null, 1],
      ],
    });
    expect(alignedSeriesCsv(series)).toBe('step,run 1 loss,run 2 loss\n0,3,4\n5,,3.5\n10,2,\n20,,1\n');
  });
});
