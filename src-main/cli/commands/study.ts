/**
 * `study create`: a study from a base (a study preset, a run preset or a JSON file), axes and
 * seeds. It prints the preview (runs, estimate, every invalid run's issues) before writing
 * anything; with `--start` it queues the runs and follows them to the end in this process, then
 * prints the report.
 */
import { parseArgs } from 'node:util';
import { expandStudy } from '@shared/study/grid';
import { STUDY_PRESETS } from '@shared/study/presets';
import type { CliCommand } from '../command';
import { call, openStudyWorkbench, parseConcurrency, STUDY_DEFAULT_CONCURRENCY } from './study-common';
import { followStudy } from './study-follow';
import { previewText } from './study-preview';
import { printReport } from './study-output';
import { studySpecFromOptions } from './study-spec';
import { PLACEMENT_USAGE, placementByName } from './placement';

export const studyCreateCommand: CliCommand = {
  name: 'study create',
  summary: 'Create a study (a grid of runs over seeds), preview it, and optionally run it here',
  usage: `Usage: npm run cli -- study create --base PRESET|FILE [--vary FIELD=V1,V2 ...] [--seeds K]
         [--name NAME] [--seed-start S] [--linear] [--knn-sweep] [--start]
         [--max-concurrent-runs N] [--placement NAME] [--db PATH] [--json]

  --base X        a study preset (${Object.keys(STUDY_PRESETS).join(', ')}), a run preset (see "presets"),
                  or a JSON file: a run configuration, or a study spec (an object with "base")
  --vary F=V,...  an axis: the field F (a dotted path, e.g. loss.name, model.projectorOutputDim,
                  loss.permutation=on,off) takes each value; values take the type the base has at F.
                  F=[...] is a JSON array, for whole sections: loss=[{"name":"bt"},{"name":"vicreg"}].
                  Repeat for more axes (runs = product of the axes' values x seeds). A new
                  loss.name starts from that loss's defaults; other loss.* axes apply on top.
  --seeds K       each grid cell runs with seeds S .. S+K-1 (a study preset's own by default, else 1)
  --seed-start S  the first seed (default 0)
  --name NAME     the study's name (runs are named "NAME · axis labels · seed N")
  --linear        queue an offline linear evaluation of every run when it completes
  --knn-sweep     queue a kNN sweep (k x temperature) of every run when it completes
  --start         queue the runs and follow the study here until its runs and evaluations end,
                  then print its report (Markdown). Ctrl-C stops the whole study (running runs save
                  a checkpoint); "study resume ID" continues it.
  --max-concurrent-runs N
                  runs at a time while this process follows the study (default ${STUDY_DEFAULT_CONCURRENCY})
  ${PLACEMENT_USAGE}
  --db PATH       database file (default: DECORBENCH_DB or the app's data folder)
  --json          print the preview and progress on stderr and one JSON object on stdout:
                  { study, preview } (with --start also "report")

Every run is validated before anything is written: an invalid run is listed with its issues and
the command exits 1 with nothing created. Without --start the study waits; "study resume ID"
starts it (in this terminal), or start it from the app's Studies page.`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        base: { type: 'string' },
        vary: { type: 'string', multiple: true },
        seeds: { type: 'string' },
        'seed-start': { type: 'string' },
        name: { type: 'string' },
        linear: { type: 'boolean', default: false },
        'knn-sweep': { type: 'boolean', default: false },
        start: { type: 'boolean', default: false },
        'max-concurrent-runs': { type: 'string' },
        placement: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const spec = studySpecFromOptions(values);
    const concurrency = parseConcurrency(values['max-concurrent-runs']) ?? STUDY_DEFAULT_CONCURRENCY;
    const human = values.json ? context.stderr : context.stdout;
    // The grid is checked before the database is opened: an invalid run writes nothing at all.
    const expanded = expandStudy(spec);
    if (expanded.some((run) => run.config === null)) {
      human.write(previewText(spec.name, spec.axes, expanded, null, concurrency));
      return 1;
    }
    const workbench = openStudyWorkbench(context, { db: values.db, maxConcurrentRuns: concurrency });
    try {
      const profileId = placementByName(workbench, values.placement)?.id ?? null;
      // The service's preview also checks the dataset folders and estimates the duration.
      const preview = await call(workbench, 'studies:preview', { spec });
      human.write(previewText(spec.name, spec.axes, preview.runs, preview.estimate, concurrency));
      if (!preview.valid) return 1;
      if (!values.start) {
        const study = await call(workbench, 'studies:create', { spec, start: false, profileId });
        human.write(
          `Study ${study.id} "${study.name}" created with ${study.counts.total} runs in ${workbench.store.path}; start it with: npm run cli -- study resume ${study.id}\n`,
        );
        if (values.json) context.stdout.write(`${JSON.stringify({ study, preview })}\n`);
        return 0;
      }
      // A placed study's runs go to Slurm as one job array: the cluster decides how many run at once.
      const where =
        values.placement && profileId !== null
          ? `as one Slurm job array (profile ${values.placement})`
          : `${concurrency} at a time`;
      let studyId = -1;
      const code = await followStudy(workbench, context, async () => {
        const study = await call(workbench, 'studies:create', { spec, start: true, profileId });
        studyId = study.id;
        context.stderr.write(
          `Study ${study.id} "${study.name}": ${study.counts.total} runs queued in ${workbench.store.path}, ${where}\n`,
        );
        return study.id;
      });
      if (values.json) {
        const study = await call(workbench, 'studies:get', { studyId });
        const report = await call(workbench, 'studies:report', { studyId });
        context.stdout.write(`${JSON.stringify({ study, preview, report })}\n`);
      } else {
        await printReport(workbench, context, studyId, 'md');
      }
      return code;
    } finally {
      await workbench.close();
    }
  },
};
