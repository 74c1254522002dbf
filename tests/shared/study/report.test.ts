import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { expandStudy } from '@shared/study/grid';
import { STUDY_PRESETS } from '@shared/study/presets';
import { buildStudyReport, methodName, type ReportRunInput } from '@shared/study/report';
import { studySpecSchema } from '@shared/study/spec-schema';
import type { ReportStat } from '@shared/study/types';
import { LOSS_AXIS, PAPER_RUNS, fixtureRun } from './report-fixtures';

function expectStat(stat: ReportStat | null, mean: number, std: number, n: number): void {
  expect(stat).not.toBeNull();
  expect(stat!.mean).toBeCloseTo(mean, 9);
  expect(stat!.std).toBeCloseTo(std, 9);
  expect(stat!.n).toBe(n);
}

const report = () => buildStudyReport({ studyId: 4, name: 'paper', axes: [LOSS_AXIS], runs: PAPER_RUNS });

describe('buildStudyReport', () => {
  it('makes one row per grid cell in the axis order, named from loss, b and permutation', () => {
    const { rows, studyId, name } = report();
    expect({ studyId, name }).toEqual({ studyId: 4, name: 'paper' });
    expect(rows.map((row) => row.method)).toEqual(['BT', 'sBT', 'sBT (no perm.)']);
    expect(rows.map((row) => [row.lossName, row.blockSize, row.permutation, row.d])).toEqual([
      ['bt', null, null, 64],
      ['fft-bt', 64, 'batch', 64],
      ['fft-bt', 64, 'none', 64],
    ]);
    expect(rows.map((row) => row.runIds)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(rows.map((row) => row.completed)).toEqual([3, 3, 2]);
    // The loss axis is the method column: no other labels.
    expect(rows.every((row) => Object.keys(row.labels).length === 0)).toBe(true);
  });

  it('gives mean, sample std (n - 1) and n in percent over completed runs only', () => {
    const [bt, sbt, noPerm] = report().rows;
    expectStat(bt!.knnFinal, 77.5, 0.3, 3);
    expectStat(sbt!.knnFinal, 77.1, 0.2, 3);
    // Run 9 failed (kNN 10 %, loss 100 ms): left out, so 75 and 74 -> 74.5 +/- sqrt(0.5).
    expectStat(noPerm!.knnFinal, 74.5, Math.SQRT1_2, 2);
    expectStat(bt!.knnInit, 21, 1, 3);
    expectStat(bt!.stepMs, 62, 2, 3);
    expectStat(bt!.lossMs, 3, 0.3, 3);
    expectStat(noPerm!.lossMs, 1.05, Math.sqrt(0.005), 2);
    expect(bt!.linear).toBeNull();
  });

  it('pairs seeds for the speed-up against the exact loss of the same d', () => {
    const [bt, sbt, noPerm] = report().rows;
    expectStat(bt!.speedup, 1, 0, 3);
    // 3.0/2.0, 3.3/2.2, 2.7/1.8: 1.5 each.
    expectStat(sbt!.speedup, 1.5, 0, 3);
    // Seeds 1 and 2 only: 3.0/1.0 and 3.3/1.1.
    expectStat(noPerm!.speedup, 3, 0, 2);
  });

  it('writes the verdict from the numbers: kNN when no linear evaluation, and the permutation effect', () => {
    expect(report().verdict).toEqual([
      'sBT is within 0.4 points of BT in kNN top-1 (77.1 ± 0.2 vs 77.5 ± 0.3, n = 3) at 1.5x lower loss time.',
      'sBT (no perm.) is 3.0 points below BT in kNN top-1 (74.5 ± 0.7 vs 77.5 ± 0.3, n = 2 vs 3) at 3.0x lower loss time.',
      'Feature permutation: sBT is 2.6 points above sBT (no perm.) in kNN top-1 (77.1 ± 0.2 vs 74.5 ± 0.7, n = 3 vs 2).',
    ]);
    expect(report().notes).toEqual([
      '1 of 9 runs has not completed (failed: run 9); the figures use completed runs only.',
      'No linear evaluation has completed: the verdict compares kNN top-1.',
    ]);
  });

  it('prefers linear top-1 where both rows have it, and notes runs without it', () => {
    const withLinear = PAPER_RUNS.map((run) => ({
      ...run,
      // BT 70, 71, 72 (71 +/- 1); sBT 73, 74, 75 (74 +/- 1); none for run 8.
      linearTop1:
        run.runId <= 6 ? [0.7, 0.71, 0.72, 0.73, 0.74, 0.75][run.runId - 1]! : run.runId === 7 ? 0.6 : null,
    }));
    const { rows, verdict, notes } = buildStudyReport({
      studyId: 1,
      name: 'x',
      axes: [LOSS_AXIS],
      runs: withLinear,
    });
    expectStat(rows[0]!.linear, 71, 1, 3);
    expectStat(rows[2]!.linear, 60, 0, 1);
    expect(verdict[0]).toBe(
      'sBT is 3.0 points above BT in linear top-1 (74.0 ± 1.0 vs 71.0 ± 1.0, n = 3) at 1.5x lower loss time.',
    );
    expect(verdict[1]).toMatch(
      /^sBT \(no perm\.\) is 11\.0 points below BT in linear top-1 \(60\.0 ± 0\.0 vs 71\.0 ± 1\.0, n = 1 vs 3\)/u,
    );
    expect(notes).toContain('Linear top-1 is missing for run 8.');
  });

  it('tells linear evaluations under way from missing ones', () => {
    const runs = PAPER_RUNS.map((run) => ({ ...run, linearPending: run.runId <= 2 }));
    const { notes } = buildStudyReport({ studyId: 1, name: 'x', axes: [LOSS_AXIS], runs });
    expect(notes).toContain('No linear evaluation has completed: the verdict compares kNN top-1.');
    expect(notes).toContain('Linear evaluation is under way for runs 1, 2.');
  });

  it("counts a difference within the seeds' spread as within, and words a slower relaxed loss", () => {
    const runs = [
      fixtureRun({ runId: 1, loss: { name: 'vicreg' }, label: 'VICReg', seed: 0, knnFinal: 0.7, lossMs: 1 }),
      fixtureRun({ runId: 2, loss: { name: 'vicreg' }, label: 'VICReg', seed: 1, knnFinal: 0.74, lossMs: 1 }),
      fixtureRun({
        runId: 3,
        loss: { name: 'fft-vicreg', q: 1 },
        label: 'sVICReg',
        seed: 0,
        knnFinal: 0.69,
        lossMs: 2,
      }),
      fixtureRun({
        runId: 4,
        loss: { name: 'fft-vicreg', q: 1 },
        label: 'sVICReg',
        seed: 1,
        knnFinal: 0.71,
        lossMs: 2,
      }),
    ];
    const axes = [{ field: 'loss', values: [{ name: 'vicreg' }, { name: 'fft-vicreg', q: 1 }] }];
    const { verdict, rows } = buildStudyReport({ studyId: 1, name: 'v', axes, runs });
    // 72 +/- 2.83 vs 70 +/- 1.41: a 2-point gap inside the exact loss's spread.
    expect(verdict).toEqual([
      'sVICReg is within 2.0 points of VICReg in kNN top-1 (70.0 ± 1.4 vs 72.0 ± 2.8, n = 2) at 2.0x higher loss time.',
    ]);
    expectStat(rows[1]!.speedup, 0.5, 0, 2);
  });

  it('names the context of rows at several d and other axes, and notes what is missing', () => {
    const lr = (value: number) => ({ field: 'optimizer.learningRate', value, label: `lr ${value}` });
    const runs = [
      fixtureRun({
        runId: 1,
        loss: { name: 'bt' },
        label: 'BT',
        seed: 0,
        d: 128,
        extra: lr(0.1),
        knnFinal: 0.5,
        lossMs: 4,
      }),
      fixtureRun({
        runId: 2,
        loss: { name: 'fft-bt' },
        label: 'sBT',
        seed: 0,
        d: 128,
        extra: lr(0.1),
        knnFinal: 0.5,
        lossMs: 2,
      }),
      fixtureRun({
        runId: 3,
        loss: { name: 'fft-bt', blockSize: 32 },
        label: 'sBT',
        seed: 0,
        d: 256,
        extra: lr(0.1),
        knnFinal: 0.4,
      }),
      fixtureRun({
        runId: 4,
        loss: { name: 'bt' },
        label: 'BT',
        seed: 0,
        d: 128,
        extra: lr(0.2),
        status: 'running',
      }),
    ];
    const { rows, verdict, notes } = buildStudyReport({ studyId: 1, name: 'ctx', runs });
    expect(rows.map((row) => [row.method, row.d, row.labels])).toEqual([
      ['BT', 128, { 'optimizer.learningRate': 'lr 0.1' }],
      ['sBT', 128, { 'optimizer.learningRate': 'lr 0.1' }],
      ['sBT (b=32)', 256, { 'optimizer.learningRate': 'lr 0.1' }],
      ['BT', 128, { 'optimizer.learningRate': 'lr 0.2' }],
    ]);
    expect(rows[2]!.blockSize).toBe(32);
    expect(rows[2]!.speedup).toBeNull();
    expect(rows[3]!.knnFinal).toBeNull();
    expect(verdict).toEqual([
      'At d = 128, lr 0.1: sBT is within 0.0 points of BT in kNN top-1 (50.0 ± 0.0 vs 50.0 ± 0.0, n = 1) at 2.0x lower loss time.',
    ]);
    expect(notes).toEqual([
      '1 of 4 runs has not completed (running: run 4); the figures use completed runs only.',
      'No linear evaluation has completed: the verdict compares kNN top-1.',
      'Loss time is missing for run 3 (left out of the speed-up).',
      'BT [d = 128, lr 0.1]: 1 completed run, so no spread (std shown as 0).',
      'sBT [d = 128, lr 0.1]: 1 completed run, so no spread (std shown as 0).',
      'sBT (b=32) [d = 256, lr 0.1]: 1 completed run, so no spread (std shown as 0).',
      'sBT (b=32) [d = 256, lr 0.1]: no BT row at the same d to compare with, so no speed-up.',
      'BT [d = 128, lr 0.2]: no completed run yet.',
    ]);
  });

  it('says so when the study has no runs', () => {
    expect(buildStudyReport({ studyId: 2, name: 'empty', runs: [] })).toEqual({
      studyId: 2,
      name: 'empty',
      rows: [],
      verdict: [],
      notes: ['The study has no runs yet.'],
    });
  });
});

describe('methodName', () => {
  const name = (loss: object, d = 256) =>
    methodName(runConfigSchema.parse({ name: 'm', loss, model: { projectorOutputDim: d } }).loss, d);
  it("adds b when it is not d, the missing permutation and a q other than the paper's", () => {
    expect(name({ name: 'vicreg' })).toBe('VICReg');
    expect(name({ name: 'fft-vicreg', blockSize: 256, q: 1 })).toBe('sVICReg');
    expect(name({ name: 'fft-vicreg', q: 2 })).toBe('sVICReg (q=2)');
    expect(name({ name: 'fft-bt', blockSize: 64 })).toBe('sBT (b=64)');
    expect(name({ name: 'fft-bt', blockSize: 64, permutation: 'none', q: 1 })).toBe(
      'sBT (b=64, no perm., q=1)',
    );
  });
});

describe('the report of a preset study', () => {
  it("names the paper-fashion-mnist grid's rows as the paper does, with the speed-up against each family's exact loss", () => {
    const spec = studySpecSchema.parse(STUDY_PRESETS['paper-fashion-mnist']!.spec);
    const runs: ReportRunInput[] = expandStudy(spec).map((run, index) => ({
      runId: index + 1,
      status: 'completed',
      config: run.config!,
      point: run.point,
      knnInit: 0.1,
      knnFinal: 0.7,
      linearTop1: null,
      stepMs: 100,
      // The exact losses take 4 ms, the relaxed 1 ms.
      lossMs: run.config!.loss.name.startsWith('fft-') ? 1 : 4,
    }));
    const { rows } = buildStudyReport({ studyId: 1, name: spec.name, axes: spec.axes, runs });
    expect(rows.map((row) => [row.method, row.completed, row.speedup?.mean])).toEqual([
      ['BT', 3, 1],
      ['sBT', 3, 4],
      ['sBT (no perm.)', 3, 4],
      ['VICReg', 3, 1],
      ['sVICReg', 3, 4],
    ]);
  });
});
