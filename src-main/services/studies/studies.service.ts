/**
 * The `studies:*` calls (issue 14): preview and create a study (a grid of runs over seeds, every
 * run validated before anything is written), act on all its runs at once, and keep its summary
 * live: `study:status` follows its runs' and evaluations' events, and its evaluation plan queues
 * the evaluations of each run that completes.
 */
import type { CallHandlers } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';
import { STUDY_PRESETS } from '@shared/study/presets';
import type { StudyDetail, StudyRun, StudySummary } from '@shared/study/types';
import type { RunStore } from '../../storage/store';
import { placeRuns, placementProfile } from '../cluster/placement';
import { createEvaluationHandlers } from '../evaluations.service';
import type { EventBus } from '../event-bus';
import type { Supervisor } from '../supervisor';
import { REDO } from './evaluation-plan';
import { deleteStudy, resumeStudy, retryStudy, startStudy, stopStudy, type LifecycleDeps } from './lifecycle';
import { previewStudy, studyFromSpec } from './preview';
import { studyReport } from './report-data';
import { StudyWatch } from './study-watch';
import { summarizeStudy } from './study-state';

export type StudyCalls = Pick<CallHandlers, Extract<keyof CallHandlers, `studies:${string}`>>;

export interface StudyServiceDeps {
  store: RunStore;
  supervisor: Supervisor;
  events: EventBus;
  maxConcurrentRuns: number;
}

export interface StudyService {
  handlers: StudyCalls;
  /** Stops listening to run events (the host is closing). */
  close(): void;
}

/** The profile a study is placed on; once the profile is removed, the name its runs kept. */
function studyProfileName(store: RunStore, studyId: number, runs: readonly StudyRun[]): string | null {
  const profileId = store.cluster.studyProfileId(studyId);
  const profile = profileId === null ? undefined : store.cluster.profile(profileId);
  return (
    profile?.settings.name ?? runs.find((entry) => entry.run.placement)?.run.placement?.profileName ?? null
  );
}

export function createStudyService(deps: StudyServiceDeps): StudyService {
  const { store, supervisor, events } = deps;
  const concurrency = Math.max(1, deps.maxConcurrentRuns);
  const lifecycle: LifecycleDeps = { store, supervisor, events };

  const summary = (studyId: number): StudySummary => {
    const record = store.studies.get(studyId);
    if (!record) throw new AppFailure('not-found', `Study ${studyId} does not exist`);
    const runs = store.studies.runs(studyId);
    return {
      ...summarizeStudy(record, runs, store.studies.evaluations(studyId), {
        concurrency,
        isQueued: (runId) => supervisor.isQueued(runId),
      }),
      profileName: studyProfileName(store, studyId, runs),
    };
  };
  const detail = (studyId: number): StudyDetail => {
    const record = store.studies.get(studyId);
    if (!record) throw new AppFailure('not-found', `Study ${studyId} does not exist`);
    const runs = store.studies.runs(studyId);
    return {
      ...summarizeStudy(record, runs, store.studies.evaluations(studyId), {
        concurrency,
        isQueued: (runId) => supervisor.isQueued(runId),
      }),
      profileName: studyProfileName(store, studyId, runs),
      base: record.base,
      runs,
    };
  };

  const watch = new StudyWatch({
    store,
    supervisor,
    events,
    startEvaluation: createEvaluationHandlers(store, supervisor, events)['evaluations:start'],
    summary,
  });

  /** Runs `act` on an existing study, then announces its new summary. */
  const acting = (studyId: number, act: () => void): StudySummary => {
    summary(studyId);
    act();
    watch.announce(studyId);
    return summary(studyId);
  };

  return {
    handlers: {
      'studies:list': () => store.studies.list().map((record) => summary(record.id)),
      'studies:get': ({ studyId }) => detail(studyId),
      'studies:presets': () => Object.values(STUDY_PRESETS),
      'studies:preview': ({ spec }) => previewStudy(store, spec, concurrency),
      'studies:create': ({ spec, start, profileId }) => {
        const { study, runs } = studyFromSpec(spec);
        const profile = placementProfile(store, profileId);
        const created = store.database.transaction(() => {
          const stored = store.studies.create(study, runs);
          if (profile) {
            placeRuns(store, stored.runIds, profile);
            store.cluster.setStudyProfile(stored.id, profile.id);
          }
          return stored;
        })();
        watch.track(created.id, created.runIds);
        for (const runId of created.runIds) {
          const run = store.runs.summary(runId);
          if (run) events.emit('run:status', run);
        }
        if (start) startStudy(lifecycle, created.id);
        watch.announce(created.id);
        return summary(created.id);
      },
      'studies:start': ({ studyId }) => acting(studyId, () => startStudy(lifecycle, studyId)),
      'studies:stop': ({ studyId }) => acting(studyId, () => stopStudy(lifecycle, studyId)),
      'studies:resume': async ({ studyId }) => {
        summary(studyId);
        await resumeStudy(lifecycle, studyId);
        watch.plan([studyId], REDO.resume);
        watch.announce(studyId);
        return summary(studyId);
      },
      'studies:retry': async ({ studyId }) => {
        summary(studyId);
        await retryStudy(lifecycle, studyId);
        watch.plan([studyId], REDO.retry);
        watch.announce(studyId);
        return summary(studyId);
      },
      'studies:delete': async ({ studyId }) => {
        summary(studyId);
        watch.deleting.add(studyId);
        try {
          const runIds = await deleteStudy(lifecycle, studyId);
          return { studyId, runIds };
        } finally {
          watch.deleting.delete(studyId);
        }
      },
      'studies:report': ({ studyId }) => studyReport(store, studyId),
    },
    close: () => watch.close(),
  };
}
