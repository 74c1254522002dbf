import { parseArgs } from 'node:util';
import { DOWNLOADABLE_DATASETS, downloadDataset, type DownloadableDataset } from '../../datasets/download';
import { UsageError, type CliCommand } from '../command';
import { ProgressBar } from '../format';

const NAMES = Object.keys(DOWNLOADABLE_DATASETS) as DownloadableDataset[];

export const downloadCommand: CliCommand = {
  name: 'download',
  summary: 'Download CIFAR-10 or Fashion-MNIST from their publishers, with checksum verification',
  usage: `Usage: npm run cli -- download NAME [--out FOLDER] [--base-url URL]

NAME: ${NAMES.map((name) => `${name} (${DOWNLOADABLE_DATASETS[name].description})`).join(', ')}
  --out FOLDER     where to put it (default: datasets, relative to the current folder)
  --base-url URL   a mirror to fetch from instead of the publisher

Files are checked against the publisher's MD5 sums; an interrupted download resumes. Prints the
"dataset" block to put in a run configuration.`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string', default: 'datasets' }, 'base-url': { type: 'string' } },
    });
    const name = positionals[0];
    if (!name || !(NAMES as string[]).includes(name)) {
      throw new UsageError(`Name one of: ${NAMES.join(', ')}`);
    }
    const bar = new ProgressBar(context.stderr, name);
    const { spec } = await downloadDataset(name as DownloadableDataset, values.out, {
      baseUrl: values['base-url'],
      onProgress: (progress) => bar.update(progress.done, progress.total, progress.stage),
    });
    bar.end();
    context.stdout.write(`${JSON.stringify({ dataset: spec }, null, 2)}\n`);
    return 0;
  },
};
