/**
 * A run's parts as files other tools read: its configuration as JSON, its metrics as CSV, a
 * checkpoint as TensorFlow.js model folders, and embeddings of the held-out split as `.npy`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricsToCsv } from './metrics-csv';
import type { RunStore } from '../storage/store';
import { computeEmbeddings } from './embeddings';
import { encodeNpy } from './npy';
import { prepareOutputFile, prepareOutputFolder, unwritable } from './output-path';
import {
  chooseCheckpoint,
  requireRunConfig,
  restoreTrainedModel,
  type RestoreOptions,
  type TrainedModel,
} from './trained-model';
import { saveModelFolder } from './tfjs-model';

/** What an export wrote. */
export interface ExportResult {
  /** Absolute paths of the files written. */
  files: string[];
  /** The step of the checkpoint used, for checkpoint and embedding exports. */
  step?: number;
}

/** Writes a file, turning file system errors into a failure that names the path. */
function writeOutput(path: string, data: string | Uint8Array): string {
  try {
    writeFileSync(path, data);
  } catch (error) {
    throw unwritable(path, error);
  }
  return path;
}

/** The run's configuration as indented JSON (the form `train --config FILE` takes). */
export function exportConfig(store: RunStore, runId: number, outFile: string): ExportResult {
  const config = requireRunConfig(store, runId);
  const path = prepareOutputFile(outFile);
  return { files: [writeOutput(path, `${JSON.stringify(config, null, 2)}\n`)] };
}

/**
 * The run's metrics as CSV: one row per step with its epoch and wall time, one column per metric
 * (`pandas.read_csv` reads it).
 */
export function exportMetrics(store: RunStore, runId: number, outFile: string): ExportResult {
  requireRunConfig(store, runId);
  const path = prepareOutputFile(outFile);
  const series = store.metrics.names(runId).map((name) => store.metrics.series(runId, name));
  return { files: [writeOutput(path, metricsToCsv(series, store.metrics.stepTimes(runId)))] };
}

/** Facts about an export that its files need to be used correctly, kept in `export.json`. */
function provenance(model: TrainedModel, what: string): Record<string, unknown> {
  const inputSize = model.setup.viewSize;
  return {
    exportedBy: 'decorbench',
    what,
    runId: model.runId,
    runName: model.config.name,
    step: model.checkpoint.step,
    epoch: model.checkpoint.epoch,
    checkpointSha256: model.checkpoint.sha256,
    dataset: model.data.name,
    inputShape: [inputSize, inputSize, model.data.train.channels],
    preprocessing: `uint8 NHWC pixels divided by 255, resized bilinearly to ${inputSize}x${inputSize}`,
  };
}

/**
 * Restores the model to export and hands it, with the output folder, to `use`. The cheap checks
 * (the run, its checkpoint, the folder) come before the slow part (the dataset, the model).
 */
async function withTrainedModel<T>(
  store: RunStore,
  runId: number,
  outDir: string,
  options: RestoreOptions,
  use: (model: TrainedModel, dir: string) => Promise<T>,
): Promise<T> {
  requireRunConfig(store, runId);
  const chosen = chooseCheckpoint(store, runId, options.step, options.onWarning);
  const dir = prepareOutputFolder(outDir);
  const model = await restoreTrainedModel(store, runId, options, chosen);
  try {
    return await use(model, dir);
  } finally {
    model.dispose();
  }
}

/**
 * A checkpoint's backbone and projector as two TensorFlow.js model folders, `backbone/` and
 * `projector/` under `outDir` (each loads with `tf.loadLayersModel`), plus `export.json`.
 * Batch-norm moving statistics are weights of the models, so inference matches the run's.
 */
export async function exportCheckpoint(
  store: RunStore,
  runId: number,
  outDir: string,
  options: RestoreOptions,
): Promise<ExportResult> {
  return withTrainedModel(store, runId, outDir, options, async (model, dir) => {
    const facts = provenance(model, 'checkpoint');
    const files: string[] = [];
    for (const part of ['backbone', 'projector'] as const) {
      const saved = await saveModelFolder(model.setup.encoder[part], join(dir, part), {
        metadata: { decorbench: { ...facts, part } },
      });
      files.push(saved.modelJsonPath, ...saved.weightFiles);
    }
    files.push(writeOutput(join(dir, 'export.json'), `${JSON.stringify(facts, null, 2)}\n`));
    return { files, step: model.checkpoint.step };
  });
}

/**
 * Embeddings of the whole held-out split by a checkpoint's model in inference mode:
 * `backbone.npy` [N, features] and `projector.npy` [N, d] (float32), `labels.npy` [N] (int32),
 * `classes.json` (class names by label) and `export.json`.
 */
export async function exportEmbeddings(
  store: RunStore,
  runId: number,
  outDir: string,
  options: RestoreOptions & { batchSize?: number },
): Promise<ExportResult> {
  return withTrainedModel(store, runId, outDir, options, async (model, dir) => {
    const test = model.data.test;
    const embeddings = await computeEmbeddings(
      model.setup.encoder,
      test,
      model.setup.viewSize,
      options.batchSize,
    );
    const { count, featureDim, projectorDim } = embeddings;
    const facts = { ...provenance(model, 'embeddings'), split: 'held-out', count, featureDim, projectorDim };
    const files = [
      writeOutput(
        join(dir, 'backbone.npy'),
        encodeNpy({ dtype: 'float32', shape: [count, featureDim], data: embeddings.backbone }),
      ),
      writeOutput(
        join(dir, 'projector.npy'),
        encodeNpy({ dtype: 'float32', shape: [count, projectorDim], data: embeddings.projector }),
      ),
      writeOutput(
        join(dir, 'labels.npy'),
        encodeNpy({ dtype: 'int32', shape: [count], data: embeddings.labels }),
      ),
      writeOutput(join(dir, 'classes.json'), `${JSON.stringify(model.data.classNames)}\n`),
      writeOutput(join(dir, 'export.json'), `${JSON.stringify(facts, null, 2)}\n`),
    ];
    return { files, step: model.checkpoint.step };
  });
}
