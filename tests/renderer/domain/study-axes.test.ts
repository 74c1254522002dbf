import { describe, expect, it } from 'vitest';
import { STUDY_PRESETS } from '@shared/study/presets';
import { studySpecSchema } from '@shared/study/spec-schema';
import { expandStudy } from '@shared/study/grid';
import {
  axisValueHint,
  draftsFromAxes,
  LOSS_METHODS,
  newAxisDraft,
  parseAxisDraft,
  parseAxisDrafts,
  type AxisDraft,
} from '../../../src-renderer/domain/study-axes';

const BASE = {
  name: 'base',
  model: { backbone: 'mlp', projectorOutputDim: 64 },
  loss: { name: 'fft-bt', blockSize: 8 },
  training: { epochs: 1, batchSize: 64 },
  optimizer: { learningRate: 0.002 },
};

const draft = (field: string, text: string, extra: Partial<AxisDraft> = {}): AxisDraft => ({
  key: 1,
  field,
  text,
  methods: null,
  ...extra,
});

describe('axis drafts', () => {
  it('types values by the base configuration at the field', () => {
    expect(parseAxisDraft(draft('model.projectorOutputDim', '512, 2048'), BASE)).toEqual({
      axis: { field: 'model.projectorOutputDim', values: [512, 2048] },
      error: null,
    });
    expect(parseAxisDraft(draft('loss.name', 'bt,fft-bt'), BASE).axis?.values).toEqual(['bt', 'fft-bt']);
    // An optional field the base leaves out (b = d) still reads numbers as numbers.
    expect(parseAxisDraft(draft('loss.blockSize', '8, 64'), { name: 'x' }).axis?.values).toEqual([8, 64]);
    // on/off are the CLI's words for the permutation too.
    expect(parseAxisDraft(draft('loss.permutation', 'on, off'), BASE).axis?.values).toEqual([
      'batch',
      'none',
    ]);
    expect(parseAxisDraft(draft('optimizer.learningRate', '1e-3, 0.003'), BASE).axis?.values).toEqual([
      0.001, 0.003,
    ]);
  });

  it('says what is wrong before anything is sent', () => {
    expect(parseAxisDraft(draft('', '1'), BASE).error).toBe('Choose a field');
    expect(parseAxisDraft(draft('loss..name', 'bt'), BASE).error).toMatch(/dotted path/);
    expect(parseAxisDraft(draft('loss.name', '  '), BASE).error).toBe('Give at least one value');
    expect(parseAxisDraft(draft('training.epochs', '1, two'), BASE).error).toBe('"two" is not a number');
    expect(parseAxisDraft(draft('training.epochs', '1,,2'), BASE).error).toMatch(/a value is empty/);
    expect(parseAxisDraft(draft('loss', '[1'), BASE).error).toMatch(/not a JSON array/);
    const methods = { ...draft('loss', ''), methods: [] };
    expect(parseAxisDraft(methods, BASE).error).toBe('Tick at least one loss');
  });

  it('turns ticked methods into whole loss sections, in the table order, with the paper names', () => {
    const parsed = parseAxisDraft({ ...draft('loss', ''), methods: ['svicreg', 'bt', 'sbt-no-perm'] }, BASE);
    expect(parsed.axis).toEqual({
      field: 'loss',
      values: [{ name: 'bt' }, { name: 'fft-bt', permutation: 'none' }, { name: 'fft-vicreg' }],
      labels: ['BT', 'sBT (no perm.)', 'sVICReg'],
    });
  });

  it('refuses a field used twice, naming the second draft', () => {
    const { axes, errors } = parseAxisDrafts(
      [draft('loss.name', 'bt'), { ...draft('loss.name', 'vicreg'), key: 2 }, { ...draft('x', ''), key: 3 }],
      BASE,
    );
    expect(axes.map((axis) => axis.field)).toEqual(['loss.name']);
    expect(errors).toEqual({ 2: 'This field is already an axis', 3: 'Give at least one value' });
  });

  it('keeps a preset label only while its text is unchanged', () => {
    const labelled = draft('model.projectorOutputDim', '512, 2048', {
      labels: ['small', 'large'],
      labelsFor: '512, 2048',
    });
    expect(parseAxisDraft(labelled, BASE).axis?.labels).toEqual(['small', 'large']);
    expect(parseAxisDraft({ ...labelled, text: '512, 4096' }, BASE).axis?.labels).toBeUndefined();
  });

  it('loads a study preset back into drafts that give the same axes and a valid grid', () => {
    const preset = STUDY_PRESETS['paper-fashion-mnist']!;
    const drafts = draftsFromAxes(preset.spec.axes);
    // Its loss values carry hyperparameters, so they are typed as JSON with their labels.
    expect(drafts[0]).toMatchObject({ field: 'loss', methods: null, labels: preset.spec.axes[0]!.labels });
    const { axes, errors } = parseAxisDrafts(drafts, preset.spec.base);
    expect(errors).toEqual({});
    expect(axes).toEqual(preset.spec.axes);
    const runs = expandStudy(studySpecSchema.parse({ ...preset.spec, axes }));
    expect(runs).toHaveLength(15);
    expect(runs.every((run) => run.issues.length === 0)).toBe(true);
  });

  it('shows a loss axis of the paper methods as ticked methods, and scalars as text', () => {
    const methods = LOSS_METHODS.slice(0, 3);
    const drafts = draftsFromAxes(
      [
        { field: 'loss', values: methods.map((method) => method.value) },
        { field: 'training.epochs', values: [1, 2] },
      ],
      7,
    );
    expect(drafts).toEqual([
      { key: 7, field: 'loss', text: '', methods: ['bt', 'sbt', 'sbt-no-perm'] },
      { key: 8, field: 'training.epochs', text: '1, 2', methods: null },
    ]);
    expect(newAxisDraft(3, 'loss').methods).toEqual(['bt', 'sbt']);
  });

  it('hints the values a field takes', () => {
    expect(
      axisValueHint('loss.q', {
        path: 'loss.q',
        label: 'q',
        kind: 'select',
        options: [
          { value: 2, label: '2' },
          { value: 1, label: '1' },
        ],
      }),
    ).toBe('2, 1');
    expect(
      axisValueHint('training.epochs', { path: 'training.epochs', label: 'Epochs', kind: 'integer' }),
    ).toMatch(/Whole numbers/);
    expect(axisValueHint('some.path', undefined)).toMatch(/JSON array/);
  });
});
