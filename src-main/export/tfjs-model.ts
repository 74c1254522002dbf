/**
 * TensorFlow.js model folders (`model.json` + binary weight files) written and read with plain
 * `node:fs`: tfjs-node's `file://` handler is an optional native dependency, so we cannot count
 * on it. The layout is the one `tf.io` uses, so `tf.loadLayersModel` loads the folder from
 * disk (through `loadModelFolder`), over HTTP, or with tfjs-node's `file://` handler.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const MODEL_JSON = 'model.json';

export interface SaveModelFolderOptions {
  /**
   * Split the weights into files of at most this many bytes, named like tensorflowjs_converter's
   * (`group1-shard1of3.bin`), e.g. 4 MiB for browsers that cache each file. Default: one file,
   * `weights.bin`, as tfjs-node's `file://` handler writes.
   */
  shardSizeBytes?: number;
  /** Stored as `userDefinedMetadata` in model.json; `model.getUserDefinedMetadata()` returns it. */
  metadata?: Record<string, unknown>;
}

export interface SavedModelFolder {
  modelJsonPath: string;
  weightFiles: string[];
  weightBytes: number;
}

/** Shard file names for `count` shards (one file keeps the simpler `weights.bin`). */
function shardNames(count: number): string[] {
  if (count <= 1) return ['weights.bin'];
  return Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
}

/** Writes the artifacts `model.save` hands over as a folder. */
function writeArtifacts(
  artifacts: tf.io.ModelArtifacts,
  dir: string,
  options: SaveModelFolderOptions,
): SavedModelFolder {
  const weights = new tf.io.CompositeArrayBuffer(artifacts.weightData ?? new ArrayBuffer(0));
  const shardSize = options.shardSizeBytes ?? Math.max(weights.byteLength, 1);
  if (!Number.isInteger(shardSize) || shardSize < 1)
    throw new Error(`saveModelFolder: shardSizeBytes must be a positive integer, got ${shardSize}`);
  const names = shardNames(Math.max(1, Math.ceil(weights.byteLength / shardSize)));
  mkdirSync(dir, { recursive: true });
  names.forEach((name, i) => {
    const end = Math.min(weights.byteLength, (i + 1) * shardSize);
    writeFileSync(join(dir, name), new Uint8Array(weights.slice(i * shardSize, end)));
  });
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: names, weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(options.metadata ? { userDefinedMetadata: options.metadata as Record<string, object> } : {}),
  };
  const modelJsonPath = join(dir, MODEL_JSON);
  writeFileSync(modelJsonPath, `${JSON.stringify(modelJson)}\n`);
  return {
    modelJsonPath,
    weightFiles: names.map((name) => join(dir, name)),
    weightBytes: weights.byteLength,
  };
}

/** Saves `model` (topology and all weights, batch-norm statistics included) into the folder `dir`. */
export async function saveModelFolder(
  model: tf.LayersModel,
  dir: string,
  options: SaveModelFolderOptions = {},
): Promise<SavedModelFolder> {
  let saved: SavedModelFolder | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = writeArtifacts(artifacts, dir, options);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!saved) throw new Error(`saveModelFolder: tfjs did not hand over the model '${model.name}'`);
  return saved;
}

/** A weight file named in model.json, refused when the name would leave the folder. */
function readWeightFile(dir: string, path: string): ArrayBuffer {
  if (basename(path) !== path || path === '..' || path === '.') {
    throw new Error(`The model's weight file "${path}" is not a plain file name in ${dir}`);
  }
  const bytes = readFileSync(join(dir, path));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/** A `tf.io` load handler for a model folder on disk: `tf.loadLayersModel(folderLoadHandler(dir))`. */
export function folderLoadHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const modelJson = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = manifest.flatMap((group) => group.paths.map((path) => readWeightFile(dir, path)));
        return [specs, buffers];
      });
    },
  };
}

/** Loads a model folder written by `saveModelFolder` (or tfjs-node, or the converter). */
export function loadModelFolder(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(folderLoadHandler(dir));
}
