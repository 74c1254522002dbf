import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import type { DatasetSplits } from '../ml/data/image-dataset';
import { decodeCheckpoint } from '../ml/checkpoint/format';
import { extractFeatures } from '../ml/eval/features';
import { knnSweep } from '../ml/eval/knn-sweep';
import { trainLinearClassifier } from '../ml/eval/linear';
import { modelInput } from '../ml/train/evaluate';
import { createTrainingSetup } from '../ml/train/setup';
import { restoreCheckpoint } from '../ml/train/state';
import type { ParentPort } from './parent-port';
import type { SupervisorMessage } from './protocol';

type Evaluation = NonNullable<Extract<SupervisorMessage, { type: 'start' }>['evaluation']>;

/**
 * An offline evaluation in the worker: the checkpoint's backbone, features of both splits in
 * inference mode (computed once), then a linear classifier or the kNN grid on them.
 */
export async function runEvaluation(
  config: RunConfig,
  data: DatasetSplits,
  evaluation: Evaluation,
  parent: ParentPort,
): Promise<void> {
  const progress = (stage: string, done: number, total: number) =>
    void parent.send({ type: 'evaluation-progress', stage, done, total });
  const setup = createTrainingSetup(config, data);
  let trainFeatures: tf.Tensor2D | undefined;
  let testFeatures: tf.Tensor2D | undefined;
  try {
    restoreCheckpoint(setup, decodeCheckpoint(evaluation.checkpoint));
    const input = (pixels: tf.Tensor4D) => modelInput(pixels, setup.viewSize);
    const backbone = setup.encoder.backbone;
    trainFeatures = extractFeatures(backbone, data.train, input, 256, data.train.count, (done, total) =>
      progress('training-split features', done, total),
    );
    testFeatures = extractFeatures(backbone, data.test, input, 256, data.test.count, (done, total) =>
      progress('held-out features', done, total),
    );
    const train = { features: trainFeatures, labels: data.train.labels };
    const test = { features: testFeatures, labels: data.test.labels };
    const classCount = data.classNames.length;
    if (evaluation.kind === 'linear') {
      const { epochs } = evaluation.settings;
      const result = await trainLinearClassifier(train, test, {
        ...evaluation.settings,
        classCount,
        decayEpochs: [Math.round(0.6 * epochs), Math.round(0.8 * epochs)],
        seed: config.seed,
        onEpoch: (epoch) => progress('linear classifier epochs', epoch, epochs),
      });
      const { top1, top5, trainLoss } = result;
      await parent.send({
        type: 'evaluation-done',
        results: { top1, ...(top5 === undefined ? {} : { top5 }), trainLoss },
      });
    } else {
      const grid = await knnSweep(train, test, classCount, (done, total) =>
        progress('kNN grid cells', done, total),
      );
      const best = grid.reduce((top, cell) => (cell.top1 > top.top1 ? cell : top));
      const results = {
        top1: best.top1,
        k: best.k,
        temperature: best.temperature,
        ...(best.top5 === undefined ? {} : { top5: best.top5 }),
      };
      await parent.send({ type: 'evaluation-done', results, grid });
    }
  } finally {
    tf.dispose([trainFeatures, testFeatures].filter((tensor) => tensor !== undefined));
    setup.dispose();
  }
}
