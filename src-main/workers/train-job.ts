/**
 * A training run inside a worker process, whoever listens: the supervisor over IPC
 * (train.worker.ts) or the run folder's journal on a compute node (remote-worker.ts). Everything it
 * learns goes out as protocol messages; a checkpoint counts only once the other end confirms it.
 */
import { releaseForwardCaches, selectBackend } from '../compute/backend';
import { datasetSpecOf, loadDataset } from '../datasets/load-dataset';
import { CHECKPOINT_FORMAT, decodeCheckpoint, encodeCheckpoint } from '../ml/checkpoint/format';
import { createLoss } from '../ml/losses/registry';
import { stepMetrics } from '../ml/train/reports';
import {
  trainSelfSupervised,
  type CheckpointReport,
  type EvaluationReport,
  type StepReport,
} from '../ml/train/trainer';
import { RecentStepRate } from '@shared/run-progress';
import { runCapture, snapshotMessage } from './capture-job';
import { runEvaluation } from './evaluation-job';
import { MetricBuffer } from './metric-buffer';
import type { ParentPort } from './parent-port';
import type { SupervisorMessage } from './protocol';

export type StartMessage = Extract<SupervisorMessage, { type: 'start' }>;

const PROGRESS_INTERVAL_MS = 250;

/** A checkpoint is committed by the other end within this time, or the run fails. */
const CHECKPOINT_ACK_TIMEOUT_MS = 120_000;

/** Sends checkpoints and waits for `checkpoint-saved` (or `checkpoint-failed`) per step. */
function checkpointSaver(parent: ParentPort): (report: CheckpointReport) => Promise<void> {
  /** Per step, what settles the wait for the answer (an error when storing failed). */
  const pending = new Map<number, (error?: Error) => void>();
  parent.onMessage((message) => {
    if (message.type === 'checkpoint-saved') pending.get(message.step)?.();
    else if (message.type === 'checkpoint-failed') pending.get(message.step)?.(new Error(message.message));
  });
  return async (report) => {
    const data = encodeCheckpoint(report.contents);
    const committed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `The checkpoint of step ${report.step} was not confirmed within ${CHECKPOINT_ACK_TIMEOUT_MS / 1000} s`,
            ),
          ),
        CHECKPOINT_ACK_TIMEOUT_MS,
      );
      pending.set(report.step, (error) => {
        clearTimeout(timer);
        pending.delete(report.step);
        if (error) reject(error);
        else resolve();
      });
    });
    await parent.send({
      type: 'checkpoint',
      step: report.step,
      epoch: report.epoch,
      reason: report.reason,
      format: CHECKPOINT_FORMAT,
      data,
      ...(report.knnTop1 === undefined ? {} : { knnTop1: report.knnTop1 }),
    });
    await committed;
  };
}

/**
 * Trains (or evaluates, or captures) what `message` asks; `shouldStop` is read after every step
 * (a stop finishes the step and saves a checkpoint). Ends with `done`, or sends `failed` and throws.
 */
export async function runTrainJob(
  message: StartMessage,
  parent: ParentPort,
  shouldStop: () => boolean,
): Promise<void> {
  const { config, resourcesDir } = message;
  const saveCheckpoint = checkpointSaver(parent);
  // This segment's training time counts from here (backend and data loading included); the
  // earlier segments' comes with a resume, so progress reports carry the run's total.
  const segmentStartMs = Date.now();
  const earlierTrainingMs = message.resume?.trainingMs ?? 0;
  const stepRate = new RecentStepRate();
  let lastStep: StepReport | undefined;
  const sendProgress = (report: StepReport, timeMs: number) => {
    const etaMs = stepRate.etaMs(report.totalSteps);
    void parent.send({
      type: 'progress',
      progress: {
        step: report.step,
        totalSteps: report.totalSteps,
        epoch: report.epoch,
        totalEpochs: report.totalEpochs,
        samplesPerSecond: report.samplesPerSecond,
        ...(etaMs === undefined ? {} : { etaMs }),
        timeMs,
        trainingMs: earlierTrainingMs + (timeMs - segmentStartMs),
        loss: report.loss,
      },
    });
  };
  const log = (level: 'debug' | 'info' | 'warn' | 'error', text: string) =>
    void parent.send({ type: 'log', level, message: text });
  const metrics = new MetricBuffer((points) => void parent.send({ type: 'metrics', points }));
  try {
    const backend = await selectBackend(config.backend);
    await parent.send({
      type: 'started',
      backend: backend.name,
      device: backend.device,
      backendNotes: backend.skipped,
      adapter: backend.adapter ?? null,
    });
    const data = await loadDataset(datasetSpecOf(config), resourcesDir, {
      onProgress: ({ done, total, stage }) => {
        if (done === total || done % 1000 === 0) log('info', `Loading ${stage}: ${done}/${total}`);
      },
    });
    log(
      'info',
      `Dataset ${data.name}: ${data.train.count} training and ${data.test.count} held-out images, ${data.classNames.length} classes`,
    );
    if (message.evaluation) {
      await runEvaluation(config, data, message.evaluation, parent);
      return;
    }
    if (message.capture) {
      await runCapture(config, data, message.capture, parent);
      return;
    }
    const loss = createLoss(config.loss);
    let lastProgressMs = 0;
    const onStep = (report: StepReport) => {
      const wallTimeMs = Date.now();
      const base = { step: report.step, epoch: report.epoch, wallTimeMs };
      for (const [name, value] of stepMetrics(report)) metrics.add({ ...base, name, value });
      stepRate.add(report.step, wallTimeMs);
      lastStep = report;
      if (wallTimeMs - lastProgressMs >= PROGRESS_INTERVAL_MS || report.step === report.totalSteps) {
        lastProgressMs = wallTimeMs;
        sendProgress(report, wallTimeMs);
      }
    };
    const onEvaluation = (report: EvaluationReport) => {
      const base = { step: report.step, epoch: report.epoch, wallTimeMs: Date.now() };
      for (const [name, value] of Object.entries(report.values)) metrics.add({ ...base, name, value });
      metrics.flush();
    };
    const resumeFrom = message.resume ? decodeCheckpoint(message.resume.checkpoint) : undefined;
    const outcome = await trainSelfSupervised(
      config,
      data,
      loss,
      {
        onStep,
        onEvaluation,
        onCheckpoint: async (report) => {
          metrics.flush(); // the metrics up to the checkpoint reach the store before it does
          await saveCheckpoint(report);
        },
        onSnapshot: (report) => parent.send(snapshotMessage(report)),
        shouldStop,
        afterForward: releaseForwardCaches,
        log,
      },
      resumeFrom ? { resumeFrom } : {},
    );
    metrics.flush();
    // The training time up to the end of this segment (a stop comes between two reports).
    if (lastStep) sendProgress(lastStep, Date.now());
    log('info', `Training ${outcome.outcome} after ${outcome.steps} steps`);
    await parent.send({ type: 'done', outcome: outcome.outcome, results: outcome.results });
  } catch (error) {
    metrics.flush();
    if (lastStep) sendProgress(lastStep, Date.now());
    const text = error instanceof Error ? error.message : String(error);
    await parent.send({ type: 'failed', message: text });
    throw error;
  }
}
