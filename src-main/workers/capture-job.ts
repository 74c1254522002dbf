import type { RunConfig } from '@shared/config/run-config';
import { decodeCheckpoint } from '../ml/checkpoint/format';
import type { DatasetSplits } from '../ml/data/image-dataset';
import { peekStepPermutation } from '../ml/train/loop-step';
import { createTrainingSetup } from '../ml/train/setup';
import { probeBatchOf, takeSnapshot, type SnapshotReport } from '../ml/train/snapshots';
import { restoreCheckpoint } from '../ml/train/state';
import type { ParentPort } from './parent-port';
import type { SupervisorMessage, WorkerMessage } from './protocol';

type Capture = NonNullable<Extract<SupervisorMessage, { type: 'start' }>['capture']>;

/** A snapshot as its protocol message (the arrays travel by structured clone). */
export function snapshotMessage(report: SnapshotReport): Extract<WorkerMessage, { type: 'snapshot' }> {
  const { data } = report;
  return {
    type: 'snapshot',
    step: report.step,
    epoch: report.epoch,
    source: report.source,
    dtype: report.dtype,
    probeSeed: report.probeSeed,
    n: data.n,
    d: data.d,
    featureDim: data.featureDim,
    permutation: data.permutation,
    z1: data.z1,
    z2: data.z2,
    h1: data.h1,
    h2: data.h2,
  };
}

/**
 * A capture job in the worker (issue 12 point 4): the checkpoint's weights, the run's probe
 * batch (the same images and views as its training snapshots), one snapshot sent with source
 * `checkpoint`. Its permutation is the one the step after the checkpoint would use (from a copy
 * of the checkpoint's generator): the permutation that meets these very weights. Progress goes
 * out as `evaluation-progress` messages.
 */
export async function runCapture(
  config: RunConfig,
  data: DatasetSplits,
  capture: Capture,
  parent: ParentPort,
): Promise<void> {
  const progress = (stage: string, done: number, total: number) =>
    void parent.send({ type: 'evaluation-progress', stage, done, total });
  const setup = createTrainingSetup(config, data);
  try {
    progress('loading the checkpoint', 0, 1);
    const loop = restoreCheckpoint(setup, decodeCheckpoint(capture.checkpoint));
    progress('loading the checkpoint', 1, 1);
    const probe = probeBatchOf(config, setup);
    const permutation = peekStepPermutation(config, loop, setup.plan.stepsPerEpoch, setup.train.count);
    const report = await takeSnapshot(
      config,
      setup,
      probe,
      { step: loop.step, source: 'checkpoint', permutation },
      (done, total) => progress('probe batch forward', done, total),
    );
    await parent.send({
      type: 'log',
      level: 'info',
      message: `Snapshot of the checkpoint of step ${loop.step}: ${report.data.n} x ${report.data.d}, ${Math.round(report.computeMs)} ms`,
    });
    await parent.send(snapshotMessage(report));
  } finally {
    setup.dispose();
  }
}
