import type { Workbench } from '../services/workbench';

/**
 * A repeat of the same signal within this time is the same Ctrl-C arriving twice (the terminal
 * signals the whole process group, and `npm run` forwards what it receives), not a second press.
 */
export const REPEAT_SIGNAL_MS = 500;

/** Extra time, past the workers' stop timeout, before a stuck shutdown ends the process anyway. */
const HARD_DEADLINE_EXTRA_MS = 15_000;

/**
 * Calls `onGone` once this process's parent has ended. `npm run` starts hosts through `sh -c`, and
 * a SIGTERM sent to npm ends that shell, never reaching us: the host then stops as if signalled
 * instead of training on with nobody to stop it. Returns a disposer.
 */
export function watchParent(onGone: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface GracefulShutdownOptions {
  workbench: Workbench;
  /** Where the host tells the user what it does (a terminal line, without newline). */
  say: (line: string) => void;
  /** What else closes before the workbench (the HTTP server). */
  beforeClose?: () => Promise<void>;
  /** Ends the process; the exit code is 0 after a clean stop, 1 when the hard deadline hit. */
  exit: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}

/**
 * Ctrl-C and SIGTERM for a host: the first signal asks every running worker to finish its step,
 * save a checkpoint and stop (waiting at most the stop timeout, then killing it), then closes the
 * host and exits; a second Ctrl-C kills the workers at once. Each step is said on the terminal.
 * Returns `shutdown` for a host that stops for another reason, and a disposer for the handlers.
 */
export function handleShutdownSignals(options: GracefulShutdownOptions): {
  shutdown: (why: string) => Promise<void>;
  dispose: () => void;
} {
  const { workbench, say } = options;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let closing: Promise<void> | undefined;
  let firstSignalMs = 0;
  let killed = false;

  const shutdown = (why: string): Promise<void> => {
    if (closing) return closing;
    const running = workbench.supervisor.activeRunIds.length;
    const seconds = workbench.supervisor.stopTimeout / 1000;
    say(
      running === 0
        ? `Stopping (${why}).`
        : `Stopping (${why}): ${running} running worker(s) asked to save a checkpoint and stop; ` +
            `waiting up to ${seconds} s, then they are killed. Press Ctrl-C again to kill them now.`,
    );
    const deadline = setTimeout(() => {
      say('The host did not finish stopping in time; exiting anyway.');
      options.exit(1);
    }, workbench.supervisor.stopTimeout + HARD_DEADLINE_EXTRA_MS);
    deadline.unref();
    closing = (async () => {
      try {
        await options.beforeClose?.();
      } catch (error) {
        say(`Closing failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await workbench.close({ notify: say });
      clearTimeout(deadline);
      say('Stopped.');
      options.exit(0);
    })();
    return closing;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (!closing) {
      firstSignalMs = now;
      void shutdown(signal);
      return;
    }
    if (now - firstSignalMs < REPEAT_SIGNAL_MS || killed) return;
    killed = true;
    const running = workbench.supervisor.activeRunIds.length;
    say(running === 0 ? 'Still closing...' : `Killing ${running} worker(s) now.`);
    workbench.supervisor.killAll();
  };
  for (const signal of signals) process.on(signal, onSignal);
  const unwatch = watchParent(() => void shutdown('its parent process ended'));
  return {
    shutdown,
    dispose: () => {
      unwatch();
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
