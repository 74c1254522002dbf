/**
 * The command-line entry: `npm run cli -- <command> [options]`. Commands are looked up by their
 * leading words (`runs list`, `bench store`), each with its own `--help`.
 */
import { augmentPreviewCommand } from './commands/augment-preview';
import { benchCompareCommand } from './commands/bench-compare';
import { benchGpuCommand } from './commands/bench-gpu';
import { benchInspectCommand } from './commands/bench-inspect';
import { benchLossCommand } from './commands/bench-loss';
import { benchStoreCommand } from './commands/bench-store';
import { benchTrainCommand } from './commands/bench-train';
import { costExportCommand, costImportCommand, costListCommand, costShowCommand } from './commands/cost';
import { costRunCommand } from './commands/cost-run';
import { clusterJobsCommand } from './commands/cluster-jobs';
import {
  clusterProfileAddCommand,
  clusterProfileCheckCommand,
  clusterProfileListCommand,
  clusterProfileRemoveCommand,
} from './commands/cluster-profile';
import { doctorCommand } from './commands/doctor';
import { downloadCommand } from './commands/download';
import { evalKnnCommand, evalLinearCommand } from './commands/evaluate';
import { exportCommand } from './commands/export';
import { gpuProbeCommand } from './commands/gpu-probe';
import { importCommand } from './commands/import';
import { inspectCommand } from './commands/inspect';
import { lossVectorsCommand } from './commands/loss-vectors';
import { presetsCommand } from './commands/presets';
import { resumeCommand } from './commands/resume';
import { runsExportCommand, runsListCommand, runsShowCommand } from './commands/runs';
import { runsCompareCommand } from './commands/runs-compare';
import { runsNoteCommand, runsRenameCommand, runsTagCommand } from './commands/runs-edit';
import { studyCreateCommand } from './commands/study';
import {
  studyDeleteCommand,
  studyResumeCommand,
  studyRetryCommand,
  studyStopCommand,
} from './commands/study-control';
import { studyListCommand, studyPresetsCommand, studyShowCommand } from './commands/study-list';
import { trainCommand } from './commands/train';
import { workerCommand } from './commands/worker';
import { runCommand, type CliCommand, type CliContext } from './command';
import { commandWords, nearestCommands } from './suggest';

const COMMANDS: CliCommand[] = [
  trainCommand,
  resumeCommand,
  evalLinearCommand,
  evalKnnCommand,
  presetsCommand,
  runsListCommand,
  runsShowCommand,
  runsExportCommand,
  runsCompareCommand,
  runsTagCommand,
  runsRenameCommand,
  runsNoteCommand,
  studyCreateCommand,
  studyListCommand,
  studyShowCommand,
  studyStopCommand,
  studyResumeCommand,
  studyRetryCommand,
  studyDeleteCommand,
  studyPresetsCommand,
  exportCommand,
  importCommand,
  inspectCommand,
  doctorCommand,
  gpuProbeCommand,
  downloadCommand,
  augmentPreviewCommand,
  lossVectorsCommand,
  benchLossCommand,
  benchTrainCommand,
  benchStoreCommand,
  benchCompareCommand,
  benchInspectCommand,
  benchGpuCommand,
  costRunCommand,
  costListCommand,
  costShowCommand,
  costExportCommand,
  costImportCommand,
  clusterProfileAddCommand,
  clusterProfileListCommand,
  clusterProfileRemoveCommand,
  clusterProfileCheckCommand,
  clusterJobsCommand,
  workerCommand,
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

/** The message for a command line that names no command: the nearest names, else the overview. */
function unknownCommand(argv: string[]): string {
  const typed = commandWords(argv, 2);
  if (typed.length === 0) return `Give a command before the options (${argv[0]}).\n\n${overview()}`;
  const near = nearestCommands(
    typed,
    COMMANDS.map((command) => command.name),
  );
  // Only the words that could be a command are quoted: one that is not a command's second word
  // is more likely an argument (`fly home`).
  const shown = typed.length > 1 && !near.some((name) => name.includes(' ')) ? typed[0]! : typed.join(' ');
  if (near.length === 0) return `Unknown command "${shown}".\n\n${overview()}`;
  const quoted = near.map((name) => `"${name}"`);
  return [
    `Unknown command "${shown}". Did you mean ${quoted.length === 1 ? quoted[0] : `one of ${quoted.join(', ')}`}?`,
    'All commands: npm run cli -- --help',
  ].join('\n');
}

export async function runCli(argv: string[], context: CliContext): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    context.stdout.write(`${overview()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    context.stderr.write(`${unknownCommand(argv)}\n`);
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
