/**
 * A study before it is written: its grid expanded into runs, each validated by the run schema
 * (src-shared/study/grid.ts) and, here where files can be seen, by the dataset path check that
 * `runs:create` makes, plus the estimated duration. `studies:create` writes only a valid grid.
 */
import type { RunConfigInput } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import { expandStudy, type ParsedStudySpec } from '@shared/study/grid';
import type { StudyPreview, StudyPreviewRun } from '@shared/study/types';
import { datasetPathProblems } from '../../datasets/check-paths';
import type { NewStudy, NewStudyRun } from '../../storage/studies.repo';
import type { RunStore } from '../../storage/store';
import { estimateStudy } from './estimate';

/** At most this many invalid runs are named in a refusal (the preview lists them all). */
const NAMED_ISSUES = 8;

/** The grid's runs, with the dataset folders checked once per distinct dataset. */
export function expandAndCheck(spec: ParsedStudySpec): StudyPreviewRun[] {
  const problems = new Map<string, Record<string, string>>();
  return expandStudy(spec).map((run) => {
    if (!run.config) return run;
    const key = JSON.stringify(run.config.dataset);
    if (!problems.has(key)) problems.set(key, datasetPathProblems(run.config.dataset));
    const issues = Object.entries(problems.get(key)!).map(([field, message]) => `${field}: ${message}`);
    return issues.length === 0 ? run : { ...run, config: null, issues };
  });
}

export function previewStudy(store: RunStore, spec: ParsedStudySpec, concurrency: number): StudyPreview {
  const runs = expandAndCheck(spec);
  const valid = runs.length > 0 && runs.every((run) => run.config !== null);
  const configs = runs.flatMap((run) => (run.config ? [run.config] : []));
  return { runs, valid, estimate: estimateStudy(store, configs, concurrency) };
}

/**
 * What `studies:create` stores, or an `invalid-input` failure naming the invalid runs and their
 * issues (fields keyed by run name) when any run is invalid: then nothing is written.
 */
export function studyFromSpec(spec: ParsedStudySpec): { study: NewStudy; runs: NewStudyRun[] } {
  const expanded = expandAndCheck(spec);
  const invalid = expanded.filter((run) => run.config === null);
  if (invalid.length > 0) {
    const named = invalid
      .slice(0, NAMED_ISSUES)
      .map((run) => `${run.name}: ${run.issues.join('; ')}`)
      .join(' | ');
    const more = invalid.length > NAMED_ISSUES ? ` | and ${invalid.length - NAMED_ISSUES} more` : '';
    throw new AppFailure(
      'invalid-input',
      `${invalid.length} of ${expanded.length} runs of the study are not valid; nothing was created (${named}${more})`,
      Object.fromEntries(invalid.map((run) => [run.name, run.issues.join('; ')])),
    );
  }
  return {
    study: {
      name: spec.name,
      description: spec.description,
      // The base as the user wrote it (each run's own configuration is the validated one).
      base: spec.base as RunConfigInput,
      axes: spec.axes,
      seeds: spec.seeds,
      seedStart: spec.seedStart,
      evaluation: spec.evaluation,
    },
    // Stored (and so queued) seed by seed: the first seed of every cell finishes first, so a study
    // stopped early, or still running, already compares every method (sort is stable).
    runs: expanded
      .map((run) => ({ config: run.config!, point: run.point }))
      .sort((a, b) => a.point.seed - b.point.seed),
  };
}
