import { describe, expect, it } from 'vitest';
import { axisValueLabel, expandStudy, parseVaryArgument, studyRunCount } from '@shared/study/grid';
import { studySpecSchema } from '@shared/study/spec-schema';

const BASE = {
  dataset: { source: 'embedded', trainLimit: 512 },
  model: { backbone: 'mlp', projectorHiddenDim: 64, projectorOutputDim: 64 },
  loss: { name: 'fft-bt', lambda: 0.01, blockSize: 8, permutation: 'batch' },
  training: { epochs: 1, batchSize: 64, maxSteps: 6 },
};

const spec = (over: Record<string, unknown>) => studySpecSchema.parse({ name: 'grid', base: BASE, ...over });

describe('expandStudy', () => {
  it('makes axes x seeds runs, first axis outermost and a cell’s seeds adjacent', () => {
    const study = spec({
      axes: [
        { field: 'loss.permutation', values: ['batch', 'none'] },
        { field: 'model.projectorOutputDim', values: [64, 128, 256] },
      ],
      seeds: 2,
      seedStart: 5,
    });
    const runs = expandStudy(study);
    expect(runs).toHaveLength(12);
    expect(studyRunCount(study)).toBe(12);
    expect(
      runs.map((run) => [
        run.point.values['loss.permutation'],
        run.point.values['model.projectorOutputDim'],
        run.point.seed,
      ]),
    ).toEqual([
      ['batch', 64, 5],
      ['batch', 64, 6],
      ['batch', 128, 5],
      ['batch', 128, 6],
      ['batch', 256, 5],
      ['batch', 256, 6],
      ['none', 64, 5],
      ['none', 64, 6],
      ['none', 128, 5],
      ['none', 128, 6],
      ['none', 256, 5],
      ['none', 256, 6],
    ]);
    const third = runs[3]!;
    expect(third.issues).toEqual([]);
    expect(third.name).toBe('grid · loss.permutation=batch · model.projectorOutputDim=128 · seed 6');
    expect(third.config?.name).toBe(third.name);
    expect(third.config?.seed).toBe(6);
    expect(third.config?.model.projectorOutputDim).toBe(128);
    // The rest of the base and the schema's defaults are kept.
    expect(third.config?.loss).toMatchObject({ name: 'fft-bt', lambda: 0.01, blockSize: 8, q: 2 });
    expect(third.config?.optimizer.name).toBe('lars');
  });

  it('without axes makes one run per seed, and never changes the base', () => {
    const study = spec({ seeds: 3 });
    const before = JSON.stringify(study.base);
    const runs = expandStudy(study);
    expect(runs.map((run) => run.name)).toEqual(['grid · seed 0', 'grid · seed 1', 'grid · seed 2']);
    expect(JSON.stringify(study.base)).toBe(before);
  });

  it('resets the loss to the new loss’s defaults when loss.name changes, then applies other loss axes on top, in any axis order', () => {
    for (const axes of [
      [
        { field: 'loss.name', values: ['fft-bt', 'bt'] },
        { field: 'loss.scale', values: [0.5] },
      ],
      [
        { field: 'loss.scale', values: [0.5] },
        { field: 'loss.name', values: ['fft-bt', 'bt'] },
      ],
    ]) {
      const runs = expandStudy(spec({ axes }));
      const byName = Object.fromEntries(runs.map((run) => [run.config?.loss.name, run.config?.loss]));
      // Same name as the base: the base's hyperparameters stay.
      expect(byName['fft-bt']).toEqual({
        name: 'fft-bt',
        lambda: 0.01,
        scale: 0.5,
        q: 2,
        blockSize: 8,
        permutation: 'batch',
      });
      // Another loss: its own defaults (BT's lambda 0.0051, not sBT's 0.01; no blockSize left over).
      expect(byName.bt).toEqual({ name: 'bt', lambda: 0.0051, scale: 0.5 });
      expect(runs.every((run) => run.issues.length === 0)).toBe(true);
    }
  });

  it('replaces a whole section with an object value and names the run by its label alone', () => {
    const runs = expandStudy(
      spec({
        axes: [
          {
            field: 'loss',
            values: [
              { name: 'bt', lambda: 0.005 },
              { name: 'fft-vicreg', scale: 0.25, q: 1 },
            ],
            labels: ['BT', 'sVICReg'],
          },
        ],
      }),
    );
    expect(runs.map((run) => run.name)).toEqual(['grid · BT · seed 0', 'grid · sVICReg · seed 0']);
    expect(runs[0]!.config?.loss).toEqual({ name: 'bt', lambda: 0.005, scale: 0.024 });
    expect(runs[1]!.config?.loss).toMatchObject({
      name: 'fft-vicreg',
      scale: 0.25,
      q: 1,
      permutation: 'batch',
    });
    expect(runs[1]!.config?.loss).not.toHaveProperty('blockSize');
    expect(runs[1]!.point.labels).toEqual({ loss: 'sVICReg' });
  });

  it('rejects invalid values with their path, run by run', () => {
    const runs = expandStudy(spec({ axes: [{ field: 'loss.blockSize', values: [8, 128] }] }));
    expect(runs[0]!.issues).toEqual([]);
    expect(runs[0]!.config).not.toBeNull();
    expect(runs[1]!.config).toBeNull();
    expect(runs[1]!.issues).toEqual([
      'loss.blockSize: Block size must be at most the embedding dimension d = 64',
    ]);
    const typed = expandStudy(spec({ axes: [{ field: 'training.epochs', values: ['many'] }] }));
    expect(typed[0]!.issues).toEqual([expect.stringMatching(/^training\.epochs: /u)]);
  });

  it('rejects an unknown field through the strict schema', () => {
    const runs = expandStudy(spec({ axes: [{ field: 'loss.blocksize', values: [8] }] }));
    expect(runs[0]!.config).toBeNull();
    expect(runs[0]!.issues).toEqual(['loss.blocksize: unknown field; did you mean loss.blockSize?']);
  });

  it('refuses axes on the seed and the name', () => {
    const runs = expandStudy(spec({ axes: [{ field: 'seed', values: [1, 2] }] }));
    expect(runs.every((run) => run.config === null)).toBe(true);
    expect(runs[0]!.issues[0]).toMatch(/^seed: .*seeds/u);
    expect(expandStudy(spec({ axes: [{ field: 'name', values: ['a'] }] }))[0]!.issues[0]).toMatch(/^name: /u);
  });

  it('refuses a grid over the run limit before building it', () => {
    const values = Array.from({ length: 20 }, (_, index) => index + 1);
    const study = spec({
      axes: [
        { field: 'training.epochs', values },
        { field: 'training.batchSize', values: values.map((value) => value + 1) },
      ],
    });
    expect(() => expandStudy(study)).toThrow(/400 runs; at most 256/u);
  });

  it('keeps long run names within the run name limit, seed last', () => {
    const runs = expandStudy(
      studySpecSchema.parse({
        name: 'x'.repeat(110),
        base: BASE,
        axes: [{ field: 'loss.lambda', values: [0.01] }],
      }),
    );
    expect(runs[0]!.name.length).toBeLessThanOrEqual(120);
    expect(runs[0]!.name.endsWith(' · seed 0')).toBe(true);
    expect(runs[0]!.issues).toEqual([]);
  });
});

describe('axisValueLabel', () => {
  it('uses the given label, a scalar as written, an object by its name and what differs', () => {
    expect(axisValueLabel({ field: 'loss.name', values: ['bt'], labels: ['Barlow'] }, 0)).toBe('Barlow');
    expect(axisValueLabel({ field: 'model.projectorOutputDim', values: [2048] }, 0)).toBe('2048');
    const axis = {
      field: 'loss',
      values: [
        { name: 'bt', lambda: 0.0051 },
        { name: 'fft-bt', q: 2, permutation: 'batch' },
        { name: 'fft-bt', q: 2, permutation: 'none' },
      ],
    };
    expect([0, 1, 2].map((index) => axisValueLabel(axis, index))).toEqual([
      'bt',
      'fft-bt (permutation=batch)',
      'fft-bt (permutation=none)',
    ]);
  });
});

describe('parseVaryArgument', () => {
  it('coerces values to the base’s type at the field', () => {
    expect(parseVaryArgument('model.projectorOutputDim=512, 2048', BASE)).toEqual({
      field: 'model.projectorOutputDim',
      values: [512, 2048],
    });
    expect(parseVaryArgument('loss.name=bt,fft-bt', BASE)).toEqual({
      field: 'loss.name',
      values: ['bt', 'fft-bt'],
    });
    // A field the base leaves to its default: the default's type (a boolean).
    expect(parseVaryArgument('inspect.enabled=on,false', BASE).values).toEqual([true, false]);
    // Not in the base nor defaulted: numeric text becomes a number.
    expect(parseVaryArgument('training.microBatchSize=16,32', BASE).values).toEqual([16, 32]);
    // The issue's own example: permutation on/off.
    expect(parseVaryArgument('loss.permutation=on,off', BASE).values).toEqual(['batch', 'none']);
  });

  it('reads a JSON array, which may hold sections', () => {
    expect(parseVaryArgument('loss=[{"name":"bt"},{"name":"vicreg","covWeight":2}]', BASE)).toEqual({
      field: 'loss',
      values: [{ name: 'bt' }, { name: 'vicreg', covWeight: 2 }],
    });
  });

  it('explains what is wrong', () => {
    expect(() => parseVaryArgument('loss.name', BASE)).toThrow(/FIELD=V1,V2/u);
    expect(() => parseVaryArgument('=1,2', BASE)).toThrow(/give a field/u);
    expect(() => parseVaryArgument('loss.name=bt,,vicreg', BASE)).toThrow(/a value is empty/u);
    expect(() => parseVaryArgument('loss.name=', BASE)).toThrow(/a value is empty/u);
    expect(() => parseVaryArgument('training.epochs=1,two', BASE)).toThrow(
      'training.epochs: "two" is not a number',
    );
    expect(() => parseVaryArgument('inspect.enabled=maybe', BASE)).toThrow(
      /not one of true, false, on, off/u,
    );
    expect(() => parseVaryArgument('loss=[{"name":}]', BASE)).toThrow(/not a JSON array/u);
    expect(() => parseVaryArgument('loss=bt', BASE)).toThrow(/loss is a section; give its values as JSON/u);
  });
});
