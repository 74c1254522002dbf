import { describe, expect, it } from 'vitest';
import { RUN_STATUSES } from '@shared/runs';
import type { StudyAxis, StudySummary } from '@shared/study/types';
import { parseCompareQuery } from '../../../src-renderer/domain/compare-state';
import { estimateLines, previewHeadline } from '../../../src-renderer/domain/study-preview';
import {
  axesSummary,
  countsText,
  evaluationText,
  pointLabels,
  progressSegments,
  reportMayHaveChanged,
  studyActions,
  studyCompareLocation,
  studyGroupFields,
} from '../../../src-renderer/domain/study-summary';

function counts(given: Partial<StudySummary['counts']>): StudySummary['counts'] {
  const zero = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as StudySummary['counts'];
  const all = { ...zero, ...given };
  all.total = RUN_STATUSES.reduce((sum, status) => sum + all[status], 0);
  return all;
}

const LOSS_AXIS: StudyAxis = {
  field: 'loss',
  values: [{ name: 'bt' }, { name: 'fft-bt' }, { name: 'fft-bt', permutation: 'none' }],
  labels: ['BT', 'sBT', 'sBT (no perm.)'],
};
const DIM_AXIS: StudyAxis = { field: 'model.projectorOutputDim', values: [512, 2048] };

describe('study summaries', () => {
  it('summarises the grid', () => {
    expect(axesSummary([LOSS_AXIS, DIM_AXIS], 3)).toBe('loss (3) × model.projectorOutputDim (2) × 3 seeds');
    expect(axesSummary([], 1)).toBe('1 seed');
    expect(
      pointLabels(
        {
          values: { loss: { name: 'bt' }, 'model.projectorOutputDim': 512 },
          labels: { loss: 'BT', 'model.projectorOutputDim': '512' },
          seed: 0,
        },
        [LOSS_AXIS, DIM_AXIS],
      ),
    ).toEqual(['BT', 'model.projectorOutputDim=512']);
  });

  it('splits the runs bar by status, in reading order, summing to the finished share', () => {
    const mixed = counts({
      completed: 3,
      failed: 1,
      running: 1,
      stopping: 1,
      queued: 2,
      interrupted: 1,
      created: 1,
    });
    const segments = progressSegments(mixed);
    expect(segments.map((segment) => [segment.tone, segment.count])).toEqual([
      ['completed', 3],
      ['failed', 1],
      ['running', 2],
      ['queued', 2],
      ['stopped', 1],
    ]);
    expect(segments[0]!.percent).toBe(30);
    expect(segments.reduce((sum, segment) => sum + segment.percent, 0)).toBe(90);
    expect(countsText(mixed)).toBe(
      '3 / 10 done · 1 failed · 2 running · 2 queued · 1 stopped · 1 not started',
    );
    expect(progressSegments(counts({}))).toEqual([]);
  });

  it('enables the actions that apply', () => {
    expect(studyActions(counts({ running: 1, failed: 2 }))).toEqual({
      canStop: true,
      canResume: false,
      failed: 2,
    });
    expect(studyActions(counts({ stopped: 1, completed: 3 }))).toEqual({
      canStop: false,
      canResume: true,
      failed: 0,
    });
  });

  it('reads the evaluation plan’s progress', () => {
    expect(evaluationText({ planned: 0, queued: 0, running: 0, completed: 0, failed: 0 })).toBe(
      'none planned',
    );
    expect(evaluationText({ planned: 6, queued: 2, running: 1, completed: 2, failed: 1 })).toBe(
      '2 / 6 done · 1 running · 2 queued · 1 failed',
    );
  });

  it('groups the comparison by the fields that vary inside a section axis, and leaf axes by themselves', () => {
    expect(studyGroupFields([LOSS_AXIS, DIM_AXIS])).toEqual([
      'loss.name',
      'loss.permutation',
      'model.projectorOutputDim',
    ]);
    // Hyperparameters the methods share are not a grouping field.
    expect(
      studyGroupFields([
        {
          field: 'loss',
          values: [
            { name: 'bt', scale: 0.1 },
            { name: 'vicreg', scale: 0.1 },
          ],
        },
      ]),
    ).toEqual(['loss.name']);
  });

  it('links to the Compare page with every run, grouped, in the URL the Compare page reads', () => {
    const { location, truncated } = studyCompareLocation([12, 10, 11], [LOSS_AXIS]);
    expect(location).toEqual({
      name: 'compare',
      query: { runs: '10,11,12', group: 'loss.name,loss.permutation' },
    });
    expect(truncated).toBe(false);
    const state = parseCompareQuery(location.query);
    expect(state.runIds).toEqual([10, 11, 12]);
    expect(state.groupBy).toEqual(['loss.name', 'loss.permutation']);
    const many = studyCompareLocation(
      Array.from({ length: 256 }, (_, i) => i + 1),
      [DIM_AXIS],
    );
    expect(many.truncated).toBe(true);
    expect(parseCompareQuery(many.location.query).runIds).toHaveLength(200);
  });

  it('reloads the report only when a run or an evaluation ended, or the state changed', () => {
    const before = {
      counts: counts({ running: 2 }),
      evaluations: { planned: 2, queued: 0, running: 0, completed: 0, failed: 0 },
    } as StudySummary;
    const progressed = { ...before, etaMs: 10 } as StudySummary;
    const ended = { ...before, counts: counts({ running: 1, completed: 1 }) } as StudySummary;
    const evaluated = { ...before, evaluations: { ...before.evaluations, completed: 1 } } as StudySummary;
    expect(reportMayHaveChanged(before, progressed)).toBe(false);
    expect(reportMayHaveChanged(before, ended)).toBe(true);
    expect(reportMayHaveChanged(before, evaluated)).toBe(true);
    expect(reportMayHaveChanged(undefined, before)).toBe(true);
    expect(reportMayHaveChanged(before, { ...before, state: 'stopped' } as StudySummary)).toBe(true);
  });
});

describe('study preview', () => {
  it('states the count, the invalid runs and the estimate', () => {
    const run = (issues: string[]) => ({
      point: { values: {}, labels: {}, seed: 0 },
      name: 'r',
      config: null,
      issues,
    });
    const estimate = {
      perRunMs: 65_000,
      totalMs: 390_000,
      wallMs: 195_000,
      source: 'history' as const,
      detail: 'd',
    };
    const preview = { runs: [run([]), run(['loss.blockSize: too big']), run([])], valid: false, estimate };
    expect(previewHeadline(preview)).toBe('3 runs · 1 invalid');
    expect(estimateLines(estimate)).toEqual([
      { label: 'Per run', value: '1m 05s' },
      { label: 'All runs', value: '6m 30s' },
      { label: 'Wall time', value: '3m 15s' },
    ]);
    expect(estimateLines({ ...estimate, source: 'none' })).toEqual([]);
  });
});
