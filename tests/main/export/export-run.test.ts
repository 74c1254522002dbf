import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../../src-main/cli/commands/export';
import { loadDataset } from '../../../src-main/datasets/load-dataset';
import { modelInput } from '../../../src-main/ml/train/evaluate';
import {
  exportCheckpoint,
  exportConfig,
  exportEmbeddings,
  exportMetrics,
} from '../../../src-main/export/export-run';
import { loadModelFolder } from '../../../src-main/export/tfjs-model';
import { restoreTrainedModel } from '../../../src-main/export/trained-model';
import { decodeCheckpoint } from '../../../src-main/ml/checkpoint/format';
import type { DatasetSplits } from '../../../src-main/ml/data/image-dataset';
import type { Workbench } from '../../../src-main/services/workbench';
import { useTempDir } from '../../helpers/temp-dir';
import { RESOURCES_DIR, tinyConfig } from '../../helpers/workbench';
import { runCommand } from './cli-context';
import { parseNpy } from './npy-reader';
import { hasNumpy, numpyCsv, numpyLoad } from './numpy';
import { trainTinyRun } from './trained-run';

/** The views are 24x24 crops of 28x28 images, so every export must resize the same way. */
const CROP = 24;
const SAMPLES = 16;

describe('exporting a trained run', () => {
  const tempDir = useTempDir();
  let workbench: Workbench;
  let runId: number;
  let data: DatasetSplits;
  /** The database outlives the per-test temporary folders. */
  const databaseDir = mkdtempSync(join(tmpdir(), 'decorbench-export-'));
  const loadData = async () => data;
  const restoreOptions = () => ({ resourcesDir: RESOURCES_DIR, loadData });

  beforeAll(async () => {
    await tf.setBackend('cpu');
    data = await loadDataset({ source: 'embedded' }, RESOURCES_DIR);
    ({ workbench, runId } = await trainTinyRun(join(databaseDir, 'export.sqlite'), {
      augmentation: { preset: 'light', cropSize: CROP },
    }));
  }, 180_000);
  afterAll(async () => {
    await workbench?.close();
    rmSync(databaseDir, { recursive: true, force: true });
  });

  /** The first held-out images as the model's input. */
  const sampleInput = () =>
    tf.tidy(() => {
      const pixels = tf.tensor4d(
        data.test.images.subarray(0, SAMPLES * 28 * 28),
        [SAMPLES, 28, 28, 1],
        'int32',
      );
      return modelInput(pixels.toFloat() as tf.Tensor4D, CROP);
    });

  it('writes the checkpoint as two TF.js models that give the restored model outputs', async () => {
    const out = join(tempDir(), 'model');
    const result = await exportCheckpoint(workbench.store, runId, out, restoreOptions());
    expect(result.step).toBe(12);
    const backbone = await loadModelFolder(join(out, 'backbone'));
    const projector = await loadModelFolder(join(out, 'projector'));
    expect(backbone.inputs[0]!.shape).toEqual([null, CROP, CROP, 1]);
    expect(projector.outputs[0]!.shape).toEqual([null, 64]);
    expect(backbone.getUserDefinedMetadata()).toMatchObject({
      decorbench: { runId, step: 12, part: 'backbone' },
    });
    const facts = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8'));
    expect(facts).toMatchObject({ runId, step: 12, inputShape: [CROP, CROP, 1] });

    const trained = await restoreTrainedModel(workbench.store, runId, restoreOptions());
    try {
      const input = sampleInput();
      const features = trained.setup.encoder.backbone.apply(input, { training: false }) as tf.Tensor;
      const embedding = trained.setup.encoder.projector.apply(features, { training: false }) as tf.Tensor;
      const loadedFeatures = backbone.predict(input) as tf.Tensor;
      expect(Array.from(await loadedFeatures.data())).toEqual(Array.from(await features.data()));
      expect(Array.from(await (projector.predict(loadedFeatures) as tf.Tensor).data())).toEqual(
        Array.from(await embedding.data()),
      );
      tf.dispose([input, features, embedding, loadedFeatures]);
    } finally {
      trained.dispose();
    }

    // The saved weights are the checkpoint's own numbers, batch-norm statistics included.
    const checkpoint = workbench.store.checkpoints.list(runId).at(-1)!;
    const tensors = decodeCheckpoint(
      new Uint8Array(workbench.store.checkpoints.load(checkpoint.id).data),
    ).tensors;
    for (const [part, model] of [
      ['backbone', backbone],
      ['projector', projector],
    ] as const) {
      const saved = tensors.filter((tensor) => tensor.name.startsWith(`model/${part}/`));
      expect(model.weights.map((weight) => weight.originalName)).toEqual(
        saved.map((tensor) => tensor.name.split('/').slice(3).join('/')),
      );
      for (const [index, weight] of model.weights.entries()) {
        expect(Array.from(await weight.read().data())).toEqual(Array.from(saved[index]!.data));
      }
    }
    expect(projector.weights.some((weight) => weight.originalName.endsWith('moving_variance'))).toBe(true);
    backbone.dispose();
    projector.dispose();
  });

  it('writes embeddings of the whole held-out split as .npy files with labels', async () => {
    const out = join(tempDir(), 'embeddings');
    await exportEmbeddings(workbench.store, runId, out, restoreOptions());
    const count = data.test.count;
    const features = parseNpy(readFileSync(join(out, 'backbone.npy')));
    const projected = parseNpy(readFileSync(join(out, 'projector.npy')));
    const labels = parseNpy(readFileSync(join(out, 'labels.npy')));
    expect([features.descr, features.shape]).toEqual(['<f4', [count, 32]]);
    expect([projected.descr, projected.shape]).toEqual(['<f4', [count, 64]]);
    expect([labels.descr, labels.shape]).toEqual(['<i4', [count]]);
    expect(labels.values).toEqual(Array.from(data.test.labels));
    expect(JSON.parse(readFileSync(join(out, 'classes.json'), 'utf8'))).toEqual(data.classNames);

    // Row i is image i through the exported backbone, in inference mode.
    const modelDir = join(tempDir(), 'model');
    await exportCheckpoint(workbench.store, runId, modelDir, restoreOptions());
    const backbone = await loadModelFolder(join(modelDir, 'backbone'));
    const input = sampleInput();
    const expected = Array.from(await (backbone.predict(input) as tf.Tensor).data());
    features.values
      .slice(0, expected.length)
      .forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
    tf.dispose(input);
    backbone.dispose();

    if (hasNumpy) {
      const [numpyFeatures, numpyProjected, numpyLabels] = numpyLoad(
        ...['backbone', 'projector', 'labels'].map((name) => join(out, `${name}.npy`)),
      );
      expect(numpyFeatures).toMatchObject({ shape: [count, 32], dtype: 'float32' });
      expect(numpyProjected).toMatchObject({ shape: [count, 64], dtype: 'float32' });
      expect(numpyLabels).toMatchObject({ shape: [count], dtype: 'int32' });
      expect(numpyFeatures!.values).toEqual(features.values);
      expect(numpyLabels!.values).toEqual(labels.values);
    }
  });

  it('writes metrics as CSV with one row per step and one numeric column per metric', () => {
    const out = join(tempDir(), 'metrics.csv');
    exportMetrics(workbench.store, runId, out);
    const [header, ...lines] = readFileSync(out, 'utf8').trimEnd().split('\n');
    const columns = header!.split(',');
    expect(columns).toEqual(['step', 'epoch', 'wall_time_ms', ...workbench.store.metrics.names(runId)]);
    expect(columns).toEqual(expect.arrayContaining(['loss', 'learning_rate', 'knn/top1']));
    const rows = lines.map((line) => line.split(','));
    expect(rows.map((row) => Number(row[0]))).toEqual(Array.from({ length: 13 }, (_, i) => i)); // kNN at step 0
    for (const row of rows) {
      expect(row).toHaveLength(columns.length);
      for (const cell of row) expect(cell).toMatch(/^(|-?\d+(\.\d+)?(e[+-]?\d+)?)$/);
    }
    // One epoch of 12 steps; step 0 is the kNN at initialisation, before any epoch.
    expect(rows.map((row) => Number(row[1]))).toEqual([0, ...Array<number>(12).fill(1)]);
    const { startedAt, endedAt } = workbench.store.runs.detail(runId)!;
    const wallTimes = rows.map((row) => Number(row[2]));
    for (const [i, time] of wallTimes.entries()) {
      expect(time).toBeGreaterThanOrEqual(startedAt!);
      expect(time).toBeLessThanOrEqual(endedAt!);
      if (i > 0) expect(time).toBeGreaterThanOrEqual(wallTimes[i - 1]!);
    }
    const loss = workbench.store.metrics.series(runId, 'loss');
    const lossColumn = columns.indexOf('loss');
    expect(rows.slice(1).map((row) => Number(row[lossColumn]))).toEqual(loss.values);
    if (hasNumpy) {
      const table = numpyCsv(out);
      expect(table.header).toEqual(columns);
      expect(table.rows).toHaveLength(13);
      expect(table.rows.slice(1).map((row) => row[lossColumn])).toEqual(loss.values);
    }
  });

  it('writes the configuration as JSON', () => {
    const out = join(tempDir(), 'nested', 'config.json');
    exportConfig(workbench.store, runId, out);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(workbench.store.runs.config(runId));
  });

  it('exports through the command line, with a chosen step', async () => {
    const db = workbench.store.path;
    const out = join(tempDir(), 'step-8');
    const result = await runCommand(exportCommand, [
      String(runId),
      '--what',
      'checkpoint',
      '--out',
      out,
      '--step',
      '8',
      '--db',
      db,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ runId, what: 'checkpoint', step: 8 });
    expect((await loadModelFolder(join(out, 'backbone'))).getUserDefinedMetadata()).toMatchObject({
      decorbench: { step: 8 },
    });
    const csv = await runCommand(exportCommand, [
      String(runId),
      '--what',
      'metrics',
      '--out',
      join(out, 'm.csv'),
      '--db',
      db,
    ]);
    expect(csv.stdout).toMatch(/Exported the metrics of run \d+:\n {2}\S+m\.csv/);
  });

  it('gives clear errors', async () => {
    const db = workbench.store.path;
    const out = join(tempDir(), 'x');
    const exportRun = (...args: string[]) => runCommand(exportCommand, [...args, '--db', db]);
    expect(await exportRun('999', '--what', 'config', '--out', out)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/Run 999 does not exist/),
    });
    const fresh = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'never ran' }),
      start: false,
    });
    expect((await exportRun(String(fresh.id), '--what', 'checkpoint', '--out', out)).stderr).toMatch(
      new RegExp(`Run ${fresh.id} has no checkpoint`),
    );
    expect(existsSync(out)).toBe(false); // failures found before any output is made
    expect(
      (await exportRun(String(runId), '--what', 'embeddings', '--out', out, '--step', '5')).stderr,
    ).toMatch(/has no checkpoint of step 5; it has steps 4, 8, 12/);
    // Usage errors: exit 2 with the message and the usage.
    const usage = async (...args: string[]) => {
      const result = await exportRun(String(runId), ...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage: npm run cli -- export');
      return result.stderr;
    };
    expect(await usage('--what', 'weights', '--out', out)).toMatch(/weights/);
    expect(await usage('--what', 'config')).toMatch(/Give --out PATH/);
    expect(await usage('--what', 'config', '--out', out, '--step', '4')).toMatch(
      /--step applies to --what checkpoint/,
    );
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a folder');
    for (const what of ['config', 'checkpoint', 'run']) {
      const result = await exportRun(String(runId), '--what', what, '--out', join(file, 'inside', 'out'));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^Cannot write .*a-file\/inside\/out: (a file is in the way|a part of the path is a file)/,
      );
    }
  });

  it('skips a corrupt newest checkpoint and says so', async () => {
    const newest = workbench.store.checkpoints.list(runId).at(-1)!;
    workbench.store.database
      .prepare('UPDATE checkpoints SET data = substr(data, 1, 100) WHERE id = ?')
      .run(newest.id);
    const warnings: string[] = [];
    const result = await exportCheckpoint(workbench.store, runId, join(tempDir(), 'fallback'), {
      ...restoreOptions(),
      onWarning: (message) => warnings.push(message),
    });
    expect(result.step).toBe(8);
    expect(warnings).toEqual([expect.stringMatching(/^Skipping the checkpoint of step 12: .*corrupt/)]);
    await expect(
      exportCheckpoint(workbench.store, runId, join(tempDir(), 'bad'), { ...restoreOptions(), step: 12 }),
    ).rejects.toThrow(/Cannot use the checkpoint of step 12: .*corrupt/);
  });
});
