/**
 * A run's trained encoder, rebuilt from its configuration and loaded from one of its checkpoints
 * exactly as a resume would load it (`createTrainingSetup` + `restoreCheckpoint`), so what is
 * exported is what training would continue from.
 */
import type { RunConfig } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import type { CheckpointInfo } from '@shared/runs';
import { datasetSpecOf, loadDataset, type DatasetSpec } from '../datasets/load-dataset';
import { decodeCheckpoint, type CheckpointContents } from '../ml/checkpoint/format';
import type { DatasetSplits } from '../ml/data/image-dataset';
import { createTrainingSetup, type TrainingSetup } from '../ml/train/setup';
import { restoreCheckpoint } from '../ml/train/state';
import type { RunStore } from '../storage/store';

export interface RestoreOptions {
  /** The checkpoint of exactly this step; default: the newest one that passes verification. */
  step?: number;
  /** The folder holding `datasets/` (the embedded dataset). */
  resourcesDir: string;
  /** Told about checkpoints skipped because they are corrupt. */
  onWarning?: (message: string) => void;
  /** Loads the run's dataset; default `loadDataset`. Tests pass a cached one. */
  loadData?: (spec: DatasetSpec, resourcesDir: string) => Promise<DatasetSplits>;
}

/** A run's encoder with the weights of one checkpoint, and the data it was trained on. */
export interface TrainedModel {
  runId: number;
  config: RunConfig;
  checkpoint: CheckpointInfo;
  data: DatasetSplits;
  setup: TrainingSetup;
  dispose(): void;
}

/** The run's configuration, or a not-found failure naming the run. */
export function requireRunConfig(store: RunStore, runId: number): RunConfig {
  const config = store.runs.config(runId);
  if (!config) throw new AppFailure('not-found', `Run ${runId} does not exist in ${store.path}`);
  return config;
}

/** The checkpoint to export: the one of `step`, or the newest that passes verification. */
export function chooseCheckpoint(
  store: RunStore,
  runId: number,
  step: number | undefined,
  onWarning: (message: string) => void = () => {},
): { info: CheckpointInfo; contents: CheckpointContents } {
  const all = store.checkpoints.list(runId);
  if (all.length === 0) throw new AppFailure('not-found', `Run ${runId} has no checkpoint`);
  if (step === undefined) {
    const good = store.checkpoints.latestGood(runId, decodeCheckpoint, (info, reason) =>
      onWarning(`Skipping the checkpoint of step ${info.step}: ${reason}`),
    );
    if (!good)
      throw new AppFailure('conflict', `Run ${runId} has no usable checkpoint: every one is corrupt`);
    return { info: good.info, contents: good.value };
  }
  const wanted = all.filter((info) => info.step === step).at(-1);
  if (!wanted) {
    const steps = all.map((info) => info.step).join(', ');
    throw new AppFailure(
      'not-found',
      `Run ${runId} has no checkpoint of step ${step}; it has steps ${steps}`,
    );
  }
  try {
    const { info, data } = store.checkpoints.load(wanted.id);
    return { info, contents: decodeCheckpoint(data) };
  } catch (error) {
    throw new AppFailure(
      'conflict',
      `Cannot use the checkpoint of step ${step}: ${(error as Error).message}`,
    );
  }
}

/**
 * Rebuilds the run's encoder and loads a checkpoint into it (dispose it when done): `chosen`, or
 * the one `options.step` names, or the newest good one.
 */
export async function restoreTrainedModel(
  store: RunStore,
  runId: number,
  options: RestoreOptions,
  chosen?: { info: CheckpointInfo; contents: CheckpointContents },
): Promise<TrainedModel> {
  const config = requireRunConfig(store, runId);
  const { info, contents } = chosen ?? chooseCheckpoint(store, runId, options.step, options.onWarning);
  const data = await (options.loadData ?? loadDataset)(datasetSpecOf(config), options.resourcesDir);
  const setup = createTrainingSetup(config, data);
  try {
    restoreCheckpoint(setup, contents);
  } catch (error) {
    setup.dispose();
    throw new AppFailure(
      'conflict',
      `The checkpoint of step ${info.step} does not fit run ${runId}: ${(error as Error).message}`,
    );
  }
  return { runId, config, checkpoint: info, data, setup, dispose: () => setup.dispose() };
}
