/** `cost run`: a cost study from the terminal, followed point by point to its table. */
import { parseArgs } from 'node:util';
import type { CostPoint, CostStudySummary } from '@shared/cost/types';
import { costStudySettingsSchema } from '@shared/cost/settings-schema';
import { BACKBONES, BACKEND_NAMES, LOSS_NAMES } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import { createHeadlessWorkbench } from '../../host/headless';
import { costStudyDetail } from '../../services/cost/cost-detail';
import { UsageError, type CliCommand } from '../command';
import { positiveIntegers } from '../bench/arguments';
import { formatCostStudy, pointLine } from './cost-table';

const ENDED: readonly CostStudySummary['status'][] = ['completed', 'stopped', 'failed'];

/** The command line's settings, validated as the API validates them (defaults: the schema's). */
function settingsFrom(values: Record<string, string | boolean | undefined>) {
  const list = (flag: string) => (values[flag] as string | undefined)?.split(',').map((part) => part.trim());
  const integers = (flag: string) =>
    values[flag] === undefined ? undefined : positiveIntegers(values[flag] as string, `--${flag}`);
  const one = (flag: string) => integers(flag)?.[0];
  const blockSizes = list('block-sizes')?.map((part) =>
    part === 'd' ? 'd' : positiveIntegers(part, '--block-sizes')[0]!,
  );
  const input = {
    name: values.name ?? `cost ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
    ...(values.losses === undefined ? {} : { losses: list('losses') }),
    ...(blockSizes ? { blockSizes } : {}),
    ...(values.q === undefined ? {} : { q: one('q') }),
    ...(values['no-perm'] ? { permutation: false } : {}),
    ...(values.n === undefined ? {} : { n: one('n') }),
    ...(values.dims === undefined ? {} : { dims: integers('dims') }),
    ...(values.backend === undefined ? {} : { backend: values.backend }),
    ...(values.repeats === undefined ? {} : { repeats: one('repeats') }),
    ...(values.warmup === undefined ? {} : { warmup: Number(values.warmup) }),
    ...(values['step-backbone'] === undefined ? {} : { step: { backbone: values['step-backbone'] } }),
  };
  if (input.step && !(BACKBONES as readonly string[]).includes(input.step.backbone as string))
    throw new UsageError(`--step-backbone must be one of ${BACKBONES.join(', ')}`);
  const parsed = costStudySettingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = { blockSizes: 'block-sizes', step: 'step-backbone' }[String(issue.path[0])] ?? issue.path[0];
    throw new UsageError(`--${String(flag)}: ${issue.message}`);
  }
  return parsed.data;
}

export const costRunCommand: CliCommand = {
  name: 'cost run',
  summary: 'Measure a cost study: loss (and step) time and memory against d, with slopes',
  usage: `Usage: npm run cli -- cost run [--losses ${LOSS_NAMES.join(',')}] [--dims 512,1024,2048,4096,8192]
                             [--n 256] [--block-sizes d,128] [--q 2] [--no-perm] [--backend auto]
                             [--repeats 5] [--warmup 1] [--step-backbone NAME] [--name N] [--db PATH] [--json]

Times the forward + backward of each loss (the relaxed ones for each block size: 'd' or a fixed
b, capped at d) on random [n, d] embeddings at each d, smallest d first, in a worker process on
--backend (${BACKEND_NAMES.join(', ')}); with --step-backbone (${BACKBONES.join(', ')}) also the
whole training step with a d x d projector at batch n on images of the backbone's shape. Each
point keeps the median, min and max of --repeats timed passes after --warmup untimed ones, and
its peak memory (GPU buffers on webgpu, tfjs tensors otherwise). A size that runs out of memory
(or is known not to fit) is recorded as oom and the study goes on. Points are stored as they are
measured (the app's Cost page shows them live); Ctrl-C stops after the current point, keeping
the points. Ends with the table, the log-log slope of every curve and where the relaxed losses
become cheaper (--json: the study as one JSON line). Exit code 0 completed, 130 stopped, 1 failed.`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        losses: { type: 'string' },
        dims: { type: 'string' },
        n: { type: 'string' },
        'block-sizes': { type: 'string' },
        q: { type: 'string' },
        'no-perm': { type: 'boolean', default: false },
        backend: { type: 'string' },
        repeats: { type: 'string' },
        warmup: { type: 'string' },
        'step-backbone': { type: 'string' },
        name: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (values.warmup !== undefined && !/^\d+$/.test(values.warmup))
      throw new UsageError(`--warmup must be a non-negative integer, not "${values.warmup}"`);
    const settings = settingsFrom(values);
    const workbench = createHeadlessWorkbench({
      buildDir: context.buildDir,
      host: 'cli',
      databasePath: values.db,
    });
    let costStudyId = -1;
    const ended = new Promise<CostStudySummary>((resolve) => {
      workbench.events.subscribe((channel, payload) => {
        if (channel === 'cost:point') {
          const { costStudyId: id, point } = payload as { costStudyId: number; point: CostPoint };
          if (id === costStudyId) context.stderr.write(`${pointLine(point)}\n`);
        } else if (channel === 'cost:status') {
          const summary = payload as CostStudySummary;
          if (summary.id === costStudyId && ENDED.includes(summary.status)) resolve(summary);
        }
      });
    });
    const onSignal = () => {
      context.stderr.write('\nStopping after the current point (the points so far are kept)...\n');
      void workbench.handlers['cost:stop']({ costStudyId });
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    try {
      const started = await workbench.handlers['cost:start']({ settings });
      costStudyId = started.id;
      for (const signal of signals) process.on(signal, onSignal);
      context.stderr.write(
        `Cost study ${costStudyId} "${settings.name}": ${started.progress.total} points\n`,
      );
      const summary = await ended;
      const detail = costStudyDetail(workbench.store, workbench.store.cost.summary(summary.id)!);
      if (values.json) context.stdout.write(`${JSON.stringify(detail)}\n`);
      else context.stdout.write(`${formatCostStudy(detail)}\n`);
      if (summary.status === 'failed')
        throw new AppFailure('unavailable', `Cost study ${costStudyId} failed: ${summary.error}`);
      return summary.status === 'completed' ? 0 : 130;
    } finally {
      for (const signal of signals) process.off(signal, onSignal);
      await workbench.close();
    }
  },
};
