/**
 * The command-line entry: `npm run cli -- <command> [options]`. Commands are looked up by their
 * leading words (`runs list`, `bench store`), each with its own `--help`.
 */
import { augmentPreviewCommand } from './commands/augment-preview';
import { benchLossCommand } from './commands/bench-loss';
import { benchStoreCommand } from './commands/bench-store';
import { benchTrainCommand } from './commands/bench-train';
import { doctorCommand } from './commands/doctor';
import { downloadCommand } from './commands/download';
import { evalKnnCommand, evalLinearCommand } from './commands/evaluate';
import { exportCommand } from './commands/export';
import { importCommand } from './commands/import';
import { lossVectorsCommand } from './commands/loss-vectors';
import { presetsCommand } from './commands/presets';
import { resumeCommand } from './commands/resume';
import { runsExportCommand, runsListCommand, runsShowCommand } from './commands/runs';
import { trainCommand } from './commands/train';
import { runCommand, type CliCommand, type CliContext } from './command';

const COMMANDS: CliCommand[] = [
  trainCommand,
  resumeCommand,
  evalLinearCommand,
  evalKnnCommand,
  presetsCommand,
  runsListCommand,
  runsShowCommand,
  runsExportCommand,
  exportCommand,
  importCommand,
  doctorCommand,
  downloadCommand,
  augmentPreviewCommand,
  lossVectorsCommand,
  benchLossCommand,
  benchTrainCommand,
  benchStoreCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'Decorbench: self-supervised learning with FFT-relaxed decorrelation losses',
    '',
    'Usage: npm run cli -- <command> [options]     (<command> --help for its options)',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
  ].join('\n');
}

/** The command whose name matches the most leading words of `argv`. */
function findCommand(argv: string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: { command: CliCommand; rest: string[] } | undefined;
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (
      words.every((word, i) => argv[i] === word) &&
      (!best || words.length > best.command.name.split(' ').length)
    ) {
      best = { command, rest: argv.slice(words.length) };
    }
  }
  return best;
}

export async function runCli(argv: string[], context: CliContext): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    context.stdout.write(`${overview()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    context.stderr.write(`Unknown command "${argv.slice(0, 2).join(' ')}".\n\n${overview()}\n`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    context.stdout.write(`${found.command.usage}\n`);
    return 0;
  }
  return runCommand(found.command, found.rest, context);
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  buildDir: import.meta.dirname,
}).then((code) => {
  process.exitCode = code;
});
