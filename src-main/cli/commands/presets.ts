import { parseArgs } from 'node:util';
import { PRESETS } from '@shared/config/presets';
import { parseRunConfig } from '../../services/runs.service';
import { UsageError, type CliCommand } from '../command';

export const presetsCommand: CliCommand = {
  name: 'presets',
  summary: 'List the named configurations, or print one in full to copy and edit',
  usage: `Usage: npm run cli -- presets [NAME]

Without NAME: the list. With NAME: the preset as a complete JSON configuration (all defaults
filled in), ready to save, edit and pass to "train --config FILE".`,
  async run(args, context) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    const name = positionals[0];
    if (!name) {
      const width = Math.max(...Object.keys(PRESETS).map((key) => key.length));
      for (const [key, preset] of Object.entries(PRESETS))
        context.stdout.write(`${key.padEnd(width)}  ${preset.description}\n`);
      return 0;
    }
    const preset = PRESETS[name];
    if (!preset) throw new UsageError(`Unknown preset "${name}"; known: ${Object.keys(PRESETS).join(', ')}`);
    context.stdout.write(`${JSON.stringify(parseRunConfig(preset.config), null, 2)}\n`);
    return 0;
  },
};
