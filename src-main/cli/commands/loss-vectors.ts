import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendChoice } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import { selectBackend } from '../../compute/backend';
import {
  CONFORMANCE_TOLERANCES,
  evaluateConformance,
  type ConformanceRow,
} from '../../ml/losses/conformance';
import { UsageError, type CliCommand } from '../command';
import { formatTable, ProgressBar } from '../format';

function formatError(value: number | null, tolerance: number): string {
  if (value === null) return '-';
  const text = value === 0 ? '0' : value.toExponential(2);
  return value <= tolerance ? text : `${text} !`;
}

/**
 * Issue 3 point 4: evaluates every result entry of a reference-vector file (schema of
 * shared/fixtures/official-vectors-*.json) with our losses and compares.
 */
export const lossVectorsCommand: CliCommand = {
  name: 'loss-vectors',
  summary: 'Check the losses against reference vectors (loss, components, gradients)',
  usage: `Usage: npm run cli -- loss-vectors FILE [--out REPORT.json] [--backend cpu] [--json]

Evaluates every result entry of every case in FILE (the schema of
shared/fixtures/official-vectors-n16-d48.json) with our implementation in float32, writes
our loss, components, grad_z1 and grad_z2 per case and entry id to REPORT.json (same layout
as FILE), and prints the errors against FILE's reference values. Exits with 1 when any entry
is beyond the tolerances: loss relative error <= ${CONFORMANCE_TOLERANCES.lossRelative}, each
gradient's max |error| <= ${CONFORMANCE_TOLERANCES.gradientRelativeToMax} x its max |value|, components relative error
<= ${CONFORMANCE_TOLERANCES.componentRelative}.

Options:
  --out FILE       write our values there
  --backend NAME   ${BACKEND_NAMES.join(' | ')} (default cpu)
  --json           one JSON object per entry on stdout instead of the table`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        backend: { type: 'string', default: 'cpu' },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError('loss-vectors takes exactly one FILE');
    const backend = values.backend as BackendChoice;
    if (!BACKEND_NAMES.includes(backend))
      throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
    const file = positionals[0]!;
    let fixture: unknown;
    try {
      fixture = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    let selection;
    try {
      selection = await selectBackend(backend);
    } catch (error) {
      // e.g. "The webgpu backend is unavailable: no adapter: ...": the reason, without a stack
      const reason = error instanceof Error ? error.message : String(error);
      throw new AppFailure('unavailable', `loss-vectors: ${reason}`);
    }
    const progress = new ProgressBar(context.stderr, 'loss-vectors');
    let result;
    try {
      result = await evaluateConformance(fixture, (done, total, id) => progress.update(done, total, id));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    } finally {
      progress.end();
    }
    if (values.out)
      writeFileSync(
        values.out,
        `${JSON.stringify({ ...result.report, meta: { ...result.report.meta, source: file } })}\n`,
      );
    if (values.json) {
      for (const row of result.rows)
        context.stdout.write(`${JSON.stringify({ ...row, backend: selection.name })}\n`);
    } else {
      context.stdout.write(`${table(result.rows)}\n`);
      const failed = result.rows.filter((row) => !row.pass).length;
      context.stdout.write(
        `\n${result.rows.length - failed} of ${result.rows.length} entries within tolerance on ${selection.name}` +
          `${values.out ? `; our values written to ${values.out}` : ''}\n`,
      );
    }
    return result.passed ? 0 : 1;
  },
};

function table(rows: ConformanceRow[]): string {
  const t = CONFORMANCE_TOLERANCES;
  return formatTable(
    ['case', 'entry', 'loss rel err', 'grad_z1 err/max', 'grad_z2 err/max', 'components rel err', 'result'],
    rows.map((row) => [
      row.caseId,
      row.entryId,
      formatError(row.lossRelativeError, t.lossRelative),
      formatError(row.gradZ1Error, t.gradientRelativeToMax),
      formatError(row.gradZ2Error, t.gradientRelativeToMax),
      formatError(row.componentsError, t.componentRelative),
      row.pass ? 'ok' : `FAIL${row.error ? `: ${row.error}` : ''}`,
    ]),
  );
}
