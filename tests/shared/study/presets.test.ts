import { describe, expect, it } from 'vitest';
import { expandStudy } from '@shared/study/grid';
import { STUDY_PRESETS } from '@shared/study/presets';
import { studySpecSchema } from '@shared/study/spec-schema';

describe('study presets', () => {
  it.each(Object.keys(STUDY_PRESETS))('%s parses and expands to valid run configurations', (name) => {
    const preset = STUDY_PRESETS[name]!;
    expect(preset.name).toBe(name);
    expect(preset.description.length).toBeGreaterThan(40);
    const spec = studySpecSchema.parse(preset.spec);
    const runs = expandStudy(spec);
    expect(runs.flatMap((run) => run.issues)).toEqual([]);
    // Five methods x 3 seeds; every method's seeds adjacent.
    expect(runs).toHaveLength(15);
    expect(runs.map((run) => run.point.labels.loss)).toEqual(
      ['BT', 'sBT', 'sBT (no perm.)', 'VICReg', 'sVICReg'].flatMap((label) => [label, label, label]),
    );
    expect(new Set(runs.map((run) => run.name)).size).toBe(15);
  });

  it('paper-fashion-mnist is the comparison this machine can finish: d = 512, 3 epochs, b = d, a linear evaluation each', () => {
    const spec = studySpecSchema.parse(STUDY_PRESETS['paper-fashion-mnist']!.spec);
    const runs = expandStudy(spec);
    expect(runs).toHaveLength(15);
    expect(spec.evaluation).toEqual({ linear: true, knnSweep: false, linearSettings: {} });
    expect(runs.map((run) => run.config?.seed).slice(0, 3)).toEqual([0, 1, 2]);
    expect(runs[3]!.name).toBe('paper-fashion-mnist · sBT · seed 0');
    for (const run of runs) {
      expect(run.config?.dataset).toEqual({ source: 'embedded' });
      expect(run.config?.model).toMatchObject({ backbone: 'small-cnn', projectorOutputDim: 512 });
      expect(run.config?.training).toMatchObject({ epochs: 3, batchSize: 64 });
      expect(run.config?.optimizer).toMatchObject({ name: 'adamw', learningRate: 3e-3, scaleByBatch: false });
    }
    const losses = runs.filter((_, index) => index % 3 === 0).map((run) => run.config?.loss);
    expect(losses).toEqual([
      { name: 'bt', lambda: 0.0051, scale: 0.1 },
      { name: 'fft-bt', lambda: 1 / 512, scale: 0.125, q: 2, permutation: 'batch' },
      { name: 'fft-bt', lambda: 1 / 512, scale: 0.125, q: 2, permutation: 'none' },
      { name: 'vicreg', simWeight: 25, varWeight: 25, covWeight: 1 },
      {
        name: 'fft-vicreg',
        simWeight: 25,
        varWeight: 25,
        covWeight: 1,
        scale: 0.25,
        q: 1,
        permutation: 'batch',
      },
    ]);
  });

  it('the GPU presets keep their run presets’ recipes (ResNet-18, d = 2048, the data folder)', () => {
    const cifar = expandStudy(studySpecSchema.parse(STUDY_PRESETS['paper-cifar10']!.spec));
    expect(cifar[0]!.config).toMatchObject({
      dataset: { source: 'cifar10', path: 'datasets/cifar-10-batches-bin' },
      model: { backbone: 'resnet18-cifar', projectorOutputDim: 2048 },
      training: { epochs: 1000, batchSize: 256 },
    });
    const imagenet = expandStudy(studySpecSchema.parse(STUDY_PRESETS['paper-imagenet100']!.spec));
    expect(imagenet[0]!.config).toMatchObject({
      dataset: { source: 'image-folder', path: 'datasets/imagenet-100', imageSize: 224 },
      model: { backbone: 'resnet18', projectorOutputDim: 2048 },
      training: { epochs: 400 },
    });
    expect(STUDY_PRESETS['paper-imagenet100']!.description).toMatch(/GPU/u);
    expect(STUDY_PRESETS['paper-cifar10']!.description).toMatch(/GPU/u);
  });
});
