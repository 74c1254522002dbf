/**
 * The training worker process: one run per process, started by the supervisor through
 * child_process.fork (headless) or utilityProcess.fork (Electron). It never touches the
 * database: everything it learns goes to the supervisor as protocol messages.
 */
import { selectBackend } from '../compute/backend';
import { loadEmbeddedDataset } from '../datasets/idx-folder';
import { createLoss } from '../ml/losses/registry';
import { trainSelfSupervised, type StepReport } from '../ml/train/trainer';
import { MetricBuffer } from './metric-buffer';
import { connectToParent } from './parent-port';
import type { SupervisorMessage } from './protocol';

const PROGRESS_INTERVAL_MS = 250;

const parent = connectToParent();
let stopRequested = false;
let started = false;

parent.onMessage((message: SupervisorMessage) => {
  if (message.type === 'stop') stopRequested = true;
  else if (message.type === 'start' && !started) {
    started = true;
    void run(message).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
});

async function run(message: Extract<SupervisorMessage, { type: 'start' }>): Promise<void> {
  const { config, resourcesDir } = message;
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
    });
    const data = loadEmbeddedDataset(resourcesDir);
    const loss = createLoss(config.loss);
    let lastProgressMs = 0;
    const runStart = Date.now();
    const onStep = (report: StepReport) => {
      const wallTimeMs = Date.now();
      const base = { step: report.step, epoch: report.epoch, wallTimeMs };
      metrics.add({ ...base, name: 'loss', value: report.loss });
      for (const [name, value] of Object.entries(report.terms))
        metrics.add({ ...base, name: `loss/${name}`, value });
      metrics.add({ ...base, name: 'learning_rate', value: report.learningRate });
      metrics.add({ ...base, name: 'step_time_ms', value: report.stepTimeMs });
      metrics.add({ ...base, name: 'samples_per_second', value: report.samplesPerSecond });
      if (wallTimeMs - lastProgressMs >= PROGRESS_INTERVAL_MS || report.step === report.totalSteps) {
        lastProgressMs = wallTimeMs;
        const msPerStep = (wallTimeMs - runStart) / report.step;
        void parent.send({
          type: 'progress',
          progress: {
            step: report.step,
            totalSteps: report.totalSteps,
            epoch: report.epoch,
            totalEpochs: report.totalEpochs,
            samplesPerSecond: report.samplesPerSecond,
            etaMs: Math.round(msPerStep * (report.totalSteps - report.step)),
          },
        });
      }
    };
    const outcome = await trainSelfSupervised(config, data, loss, {
      onStep,
      shouldStop: () => stopRequested,
      log,
    });
    metrics.flush();
    log('info', `Training ${outcome.outcome} after ${outcome.steps} steps`);
    await parent.send({ type: 'done', outcome: outcome.outcome, results: outcome.results });
  } catch (error) {
    metrics.flush();
    const text = error instanceof Error ? error.message : String(error);
    await parent.send({ type: 'failed', message: text });
    throw error;
  }
}
