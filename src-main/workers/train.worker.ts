/**
 * The training worker process: one run per process, started by the supervisor through
 * child_process.fork (headless) or utilityProcess.fork (Electron). It never touches the
 * database: everything it learns goes to the supervisor as protocol messages. The training itself
 * is train-job.ts, shared with the remote worker that reports through a journal (issue 15).
 */
import { runCostStudy } from './cost-job';
import { connectToParent } from './parent-port';
import type { SupervisorMessage } from './protocol';
import { runTrainJob } from './train-job';

const parent = connectToParent();
let stopRequested = false;
let started = false;

// Ctrl-C in a terminal (or closing it: SIGHUP) reaches the whole process group, the worker
// included: like the host's own stop request, it finishes the step and saves a checkpoint instead
// of dying with its progress. An orphaned worker still quits when its channel closes.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => (stopRequested = true));

// Checkpoint answers (checkpoint-saved/-failed) are heard by the training job's own listener.
parent.onMessage((message: SupervisorMessage) => {
  if (message.type === 'stop') stopRequested = true;
  else if (message.type === 'start' && !started) {
    started = true;
    void runTrainJob(message, parent, () => stopRequested).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  } else if (message.type === 'cost-start' && !started) {
    // A cost study (issue 14) runs in a worker of its own, like a run: a point that takes the
    // process down fails the study, not the host.
    started = true;
    void runCostStudy(message, parent, () => stopRequested).then(
      () => process.exit(0),
      async (error: unknown) => {
        await parent.send({
          type: 'failed',
          message: error instanceof Error ? error.message : String(error),
        });
        process.exit(1);
      },
    );
  }
});
