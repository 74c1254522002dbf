import { computed, shallowRef } from 'vue';
import { canResume } from '../domain/run-actions';
import { useRunsStore } from '../stores/runs.store';

/** The part of `Storage` used to remember dismissals. */
export type DismissalStorage = Pick<Storage, 'getItem' | 'setItem'>;

export interface UseInterruptedRunsOptions {
  /**
   * Where dismissals are remembered. Default: `sessionStorage`, so a reload keeps the banner
   * closed but the next session (a new window) asks again. `null`: in memory only.
   */
  storage?: DismissalStorage | null;
}

const STORAGE_KEY = 'decorbench.dismissedInterruptedRuns';

function sessionStore(): DismissalStorage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    // Storage access can throw where it is disabled (e.g. some sandboxed frames).
    return null;
  }
}

function readIds(storage: DismissalStorage | null): ReadonlySet<number> {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '[]');
    return new Set(Array.isArray(parsed) ? parsed.filter((id) => Number.isInteger(id)) : []);
  } catch {
    return new Set();
  }
}

/**
 * The start-up offer to resume runs that the previous host process left `interrupted`.
 * Dismissing hides the runs listed at that moment; a run interrupted later (the host died
 * again) brings the offer back. Runs with a checkpoint are offered Resume, the others Start
 * over (the same rule as the runs list and the run page). Actions go through the runs store, so
 * a refusal (e.g. every stored checkpoint corrupt) shows as a notice and the run stays listed.
 */
export function useInterruptedRuns(options: UseInterruptedRunsOptions = {}) {
  const store = useRunsStore();
  const storage = options.storage === undefined ? sessionStore() : options.storage;
  const dismissed = shallowRef(readIds(storage));
  const resuming = shallowRef<ReadonlySet<number>>(new Set());

  const runs = computed(() =>
    store.runs.filter((run) => run.status === 'interrupted' && !dismissed.value.has(run.id)),
  );

  function dismiss(): void {
    dismissed.value = new Set([...dismissed.value, ...runs.value.map((run) => run.id)]);
    try {
      storage?.setItem(STORAGE_KEY, JSON.stringify([...dismissed.value]));
    } catch {
      // Remembered in memory for this page at least.
    }
  }

  async function busyWith(runId: number, action: (runId: number) => Promise<boolean>): Promise<boolean> {
    resuming.value = new Set([...resuming.value, runId]);
    try {
      return await action(runId);
    } finally {
      resuming.value = new Set([...resuming.value].filter((id) => id !== runId));
    }
  }

  /** Continues a run from its newest checkpoint. */
  const resume = (runId: number) => busyWith(runId, store.resume);

  /** Trains a run without a checkpoint again from step 0. */
  const startOver = (runId: number) => busyWith(runId, store.start);

  /** The listed runs that have a checkpoint to continue from. */
  const resumable = computed(() => runs.value.filter(canResume));

  /**
   * Resumes the listed runs that can be resumed, one after the other (queue order = list
   * order); resolves to how many were accepted. Runs without a checkpoint are left to Start over.
   */
  async function resumeAll(): Promise<number> {
    let accepted = 0;
    for (const run of [...resumable.value]) if (await resume(run.id)) accepted += 1;
    return accepted;
  }

  // The offer is made when the app opens, whichever page that is.
  if (!store.hasLoaded && !store.isLoading) void store.refresh();

  return { runs, resumable, resuming, dismiss, resume, startOver, resumeAll };
}
