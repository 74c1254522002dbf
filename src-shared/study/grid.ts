/**
 * A study's grid: the cartesian product of its axes times its seeds, each point turned into a run
 * configuration and validated before anything is written (issue 14). The same expansion serves
 * the preview, the store and the CLI, so a run's name and configuration never differ between them.
 */
import type { z } from 'zod';
import { AppFailure } from '../errors';
import { runConfigSchema } from '../config/run-config';
import { fieldMessages } from '../validation';
import { STUDY_LIMITS, type studySpecSchema } from './spec-schema';
import type { AxisValue, StudyAxis, StudyPoint, StudyPreviewRun } from './types';

export type ParsedStudySpec = z.output<typeof studySpecSchema>;

/** Fields a study sets itself: the seed from its seeds, the name from the study and the point. */
const RESERVED_FIELDS: Record<string, string> = {
  seed: 'seed: the study sets each run\'s seed; use "seeds" (and "seedStart") instead of an axis',
  name: "name: the study names each run from its own name; change the study's name instead of an axis",
};

/** Run names are at most this long (the run configuration's limit). */
const MAX_RUN_NAME = 120;

type Section = Record<string, unknown>;

/** Axis values and base configurations are JSON (they are stored as such), so a JSON copy is a deep copy. */
const deepCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const isSection = (value: unknown): value is Section =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Runs the grid makes: the axes' value counts multiplied, times the seeds. */
export function studyRunCount(spec: { axes: readonly StudyAxis[]; seeds: number }): number {
  return spec.axes.reduce((count, axis) => count * axis.values.length, 1) * spec.seeds;
}

/**
 * The loss a configuration without a `loss` section trains with (the schema's default), read from
 * the schema so the grid never disagrees with it.
 */
let defaultLossName: string | undefined;
function baseLossName(config: Section): unknown {
  const loss = config.loss;
  if (isSection(loss)) return loss.name;
  if (defaultLossName === undefined) {
    const parsed = runConfigSchema.safeParse({ name: 'default' });
    defaultLossName = parsed.success ? parsed.data.loss.name : '';
  }
  return defaultLossName;
}

/** Sets `value` at the dotted `field`, creating sections on the way (the schema judges the result). */
function setAt(config: Section, field: string, value: unknown): void {
  const keys = field.split('.');
  let section = config;
  for (const key of keys.slice(0, -1)) {
    const next = section[key];
    if (!isSection(next)) section[key] = {};
    section = section[key] as Section;
  }
  section[keys[keys.length - 1] as string] = isSection(value) ? deepCopy(value) : value;
}

/**
 * The order axes apply in, whatever order the user gave them: a section before the fields inside
 * it, and `loss.name` before the other `loss.*` fields, because a new loss name resets the loss
 * section to that loss's defaults (its hyperparameters mean something else: lambda of sBT is not
 * lambda of BT) and the other loss axes must then apply on top.
 */
function applicationOrder(axes: readonly StudyAxis[]): number[] {
  const depth = (field: string) => field.split('.').length * 2 - (field === 'loss.name' ? 1 : 0);
  return axes.map((_, index) => index).sort((a, b) => depth(axes[a]!.field) - depth(axes[b]!.field) || a - b);
}

function applyAxis(config: Section, field: string, value: AxisValue): void {
  if (field === 'loss.name' && !isSection(value) && value !== baseLossName(config)) {
    config.loss = { name: value };
    return;
  }
  setAt(config, field, value);
}

function compactValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * What value `index` of an axis is called: its label when given; a scalar as written; an object by
 * its `name` (or `source`) and the fields in which it differs from the axis's other values of the
 * same name, e.g. `fft-bt (permutation=none)`.
 */
export function axisValueLabel(axis: StudyAxis, index: number): string {
  const given = axis.labels?.[index];
  if (given !== undefined) return given;
  const value = axis.values[index];
  if (!isSection(value)) return String(value);
  const kind = value.name ?? value.source;
  const peers = axis.values.filter(
    (other): other is Section => isSection(other) && (other.name ?? other.source) === kind,
  );
  const keys = [...new Set(peers.flatMap((peer) => Object.keys(peer)))].filter(
    (key) => key !== 'name' && key !== 'source',
  );
  const differing = keys
    .filter((key) => peers.some((peer) => compactValue(peer[key]) !== compactValue(value[key])))
    .filter((key) => value[key] !== undefined)
    .map((key) => `${key}=${compactValue(value[key])}`);
  if (kind === undefined) return differing.length > 0 ? differing.join(' ') : JSON.stringify(value);
  const head = String(kind);
  return differing.length > 0 ? `${head} (${differing.join(', ')})` : head;
}

/** `name · label · label · seed 3`, shortened in the middle to the run name's limit. */
function runName(studyName: string, parts: string[], seed: number): string {
  const tail = `seed ${seed}`;
  const full = [studyName, ...parts, tail].join(' · ');
  if (full.length <= MAX_RUN_NAME) return full;
  const head = [studyName, ...parts].join(' · ');
  return `${head.slice(0, MAX_RUN_NAME - tail.length - 4)}… · ${tail}`;
}

/** Every point of the grid: first axis outermost, seeds innermost (a cell's seeds are adjacent). */
function gridPoints(spec: ParsedStudySpec): { indices: number[]; seed: number }[] {
  let cells: number[][] = [[]];
  for (const axis of spec.axes) {
    cells = cells.flatMap((cell) => axis.values.map((_, index) => [...cell, index]));
  }
  return cells.flatMap((indices) =>
    Array.from({ length: spec.seeds }, (_, offset) => ({ indices, seed: spec.seedStart + offset })),
  );
}

/**
 * Expands a study into its runs, each with its validated configuration or the reasons it is
 * invalid (`loss.blockSize: Block size must be at most ...`). Refuses grids larger than
 * STUDY_LIMITS.maxRuns before building any of them.
 */
export function expandStudy(spec: ParsedStudySpec): StudyPreviewRun[] {
  const count = studyRunCount(spec);
  if (count > STUDY_LIMITS.maxRuns) {
    throw new AppFailure(
      'invalid-input',
      `This study would create ${count} runs; at most ${STUDY_LIMITS.maxRuns} (use fewer values or seeds)`,
    );
  }
  const reserved = spec.axes.flatMap((axis) => {
    const root = axis.field.split('.')[0] as string;
    const message = Object.hasOwn(RESERVED_FIELDS, root) ? RESERVED_FIELDS[root] : undefined;
    return message === undefined ? [] : [message];
  });
  const order = applicationOrder(spec.axes);
  return gridPoints(spec).map(({ indices, seed }) => {
    const values: Record<string, AxisValue> = {};
    const labels: Record<string, string> = {};
    const parts: string[] = [];
    spec.axes.forEach((axis, axisIndex) => {
      const valueIndex = indices[axisIndex] as number;
      const value = axis.values[valueIndex] as AxisValue;
      const label = axisValueLabel(axis, valueIndex);
      values[axis.field] = value;
      labels[axis.field] = label;
      parts.push(isSection(value) ? label : `${axis.field}=${label}`);
    });
    const point: StudyPoint = { values, labels, seed };
    const name = runName(spec.name, parts, seed);
    if (reserved.length > 0) return { point, name, config: null, issues: reserved };
    const config = deepCopy(spec.base) as Section;
    for (const axisIndex of order) {
      const axis = spec.axes[axisIndex] as StudyAxis;
      applyAxis(config, axis.field, values[axis.field] as AxisValue);
    }
    config.seed = seed;
    config.name = name;
    const parsed = runConfigSchema.safeParse(config);
    if (parsed.success) return { point, name, config: parsed.data, issues: [] };
    const issues = Object.entries(fieldMessages(parsed.error)).map(
      ([field, message]) => `${field}: ${message}`,
    );
    return { point, name, config: null, issues };
  });
}

/** Words the CLI accepts for a field whose values are not true/false (`loss.permutation=on,off`). */
const VALUE_ALIASES: Record<string, Record<string, string>> = {
  'loss.permutation': { on: 'batch', off: 'none', true: 'batch', false: 'none' },
};
const BOOLEAN_WORDS: Record<string, boolean> = { true: true, on: true, false: false, off: false };

function valueAt(config: unknown, field: string): unknown {
  let value = config;
  for (const key of field.split('.')) {
    if (!isSection(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** The value the run would have at `field`: the base's, else the schema's default, else undefined. */
function typicalValue(base: unknown, field: string): unknown {
  const given = valueAt(base, field);
  if (given !== undefined) return given;
  const withDefaults = runConfigSchema.safeParse({ ...(isSection(base) ? base : {}), name: 'base' });
  return withDefaults.success ? valueAt(withDefaults.data, field) : undefined;
}

function coerce(field: string, text: string, typical: unknown): AxisValue {
  const alias = VALUE_ALIASES[field]?.[text.toLowerCase()];
  if (alias !== undefined) return alias;
  if (
    typeof typical === 'number' ||
    (typical === undefined && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/iu.test(text))
  ) {
    const number = Number(text);
    if (!Number.isFinite(number) || text === '') throw new Error(`${field}: "${text}" is not a number`);
    return number;
  }
  if (typeof typical === 'boolean') {
    const flag = BOOLEAN_WORDS[text.toLowerCase()];
    if (flag === undefined) throw new Error(`${field}: "${text}" is not one of true, false, on, off`);
    return flag;
  }
  return text;
}

/**
 * Parses the CLI's `--vary FIELD=V1,V2,...` into an axis, each value coerced to the type the base
 * configuration has at FIELD (a number stays a number: `model.projectorOutputDim=512,2048`), or
 * `--vary FIELD=[...]` as a JSON array, which can hold whole sections (`loss=[{"name":"bt"}, ...]`).
 */
export function parseVaryArgument(text: string, base: unknown): StudyAxis {
  const equals = text.indexOf('=');
  if (equals < 0) throw new Error(`--vary ${text}: write FIELD=V1,V2,... (e.g. loss.name=bt,fft-bt)`);
  const field = text.slice(0, equals).trim();
  const list = text.slice(equals + 1).trim();
  if (field === '') throw new Error(`--vary ${text}: give a field before "=" (e.g. loss.name)`);
  if (list.startsWith('[')) {
    let values: unknown;
    try {
      values = JSON.parse(list);
    } catch (error) {
      throw new Error(`--vary ${field}: not a JSON array (${(error as Error).message})`);
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(`--vary ${field}: give a JSON array of at least one value`);
    }
    for (const value of values) {
      const ok = ['string', 'number', 'boolean'].includes(typeof value) || isSection(value);
      if (!ok)
        throw new Error(
          `--vary ${field}: ${JSON.stringify(value)} is not a value (a string, number, boolean or object)`,
        );
    }
    return { field, values: values as AxisValue[] };
  }
  const typical = typicalValue(base, field);
  if (isSection(typical)) {
    throw new Error(
      `--vary ${field}: ${field} is a section; give its values as JSON, e.g. ${field}=[{...},{...}]`,
    );
  }
  const parts = list.split(',').map((part) => part.trim());
  if (list === '' || parts.some((part) => part === '')) {
    throw new Error(`--vary ${field}: a value is empty (write ${field}=V1,V2,...)`);
  }
  return { field, values: parts.map((part) => coerce(field, part, typical)) };
}
