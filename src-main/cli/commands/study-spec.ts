/**
 * The study `study create` asks for, from its options: `--base` names a study preset, a run
 * preset or a JSON file (a run configuration, or a study spec when it has `base`); `--vary` adds
 * axes; `--seeds`, `--seed-start`, `--name`, `--linear` and `--knn-sweep` override the base's.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { PRESETS } from '@shared/config/presets';
import { parseVaryArgument, type ParsedStudySpec } from '@shared/study/grid';
import { STUDY_PRESETS } from '@shared/study/presets';
import { studySpecSchema } from '@shared/study/spec-schema';
import type { StudyAxis } from '@shared/study/types';
import { fieldMessages } from '@shared/validation';
import { UsageError } from '../command';

export interface StudyCreateOptions {
  base?: string;
  vary?: string[];
  seeds?: string;
  'seed-start'?: string;
  name?: string;
  linear?: boolean;
  'knn-sweep'?: boolean;
}

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--base ${path}: not a study preset (${Object.keys(STUDY_PRESETS).join(', ')}), nor a run preset, and the file cannot be read (${(error as Error).message})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The study a `--base` starts from: a spec (from a study preset or file) or a run config wrapped in one. */
function startingSpec(base: string): Raw {
  const studyPreset = STUDY_PRESETS[base];
  if (studyPreset) return copy(studyPreset.spec) as unknown as Raw;
  const runPreset = PRESETS[base];
  if (runPreset) return { name: base, description: runPreset.description, base: copy(runPreset.config) };
  const content = readJson(base);
  if (!isObject(content))
    throw new UsageError(`${base}: expected a JSON object (a run config or a study spec)`);
  if (Object.hasOwn(content, 'base')) return content;
  const fileName = basename(base, extname(base));
  return { name: typeof content.name === 'string' ? content.name : fileName, base: content };
}

function wholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`${flag} takes a whole number, not "${text}"`);
  return value;
}

/**
 * The parsed spec, or a usage error naming what is wrong. The runs themselves are validated by
 * the grid expansion (each run's issues named), not here.
 */
export function studySpecFromOptions(options: StudyCreateOptions): ParsedStudySpec {
  if (!options.base) {
    throw new UsageError(
      `Give --base: a study preset (${Object.keys(STUDY_PRESETS).join(', ')}), a run preset, or a JSON file`,
    );
  }
  const spec = startingSpec(options.base);
  const base = spec.base;
  const axes: StudyAxis[] = Array.isArray(spec.axes) ? (spec.axes as StudyAxis[]) : [];
  for (const text of options.vary ?? []) {
    let axis: StudyAxis;
    try {
      axis = parseVaryArgument(text, base);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    // An axis on a field the base already varies replaces it (the command line is the later word).
    const existing = axes.findIndex((other) => other.field === axis.field);
    if (existing >= 0) axes[existing] = axis;
    else axes.push(axis);
  }
  spec.axes = axes;
  const seeds = wholeNumber('--seeds', options.seeds);
  if (seeds !== undefined) spec.seeds = seeds;
  const seedStart = wholeNumber('--seed-start', options['seed-start']);
  if (seedStart !== undefined) spec.seedStart = seedStart;
  if (options.name !== undefined) spec.name = options.name;
  if (options.linear || options['knn-sweep']) {
    const plan = isObject(spec.evaluation) ? spec.evaluation : {};
    spec.evaluation = {
      ...plan,
      ...(options.linear ? { linear: true } : {}),
      ...(options['knn-sweep'] ? { knnSweep: true } : {}),
    };
  }
  const parsed = studySpecSchema.safeParse(spec);
  if (!parsed.success) {
    const lines = Object.entries(fieldMessages(parsed.error)).map(
      ([field, message]) => `  ${field}: ${message}`,
    );
    throw new UsageError(`The study is not valid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
