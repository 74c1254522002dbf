/**
 * The configuration diff of a comparison: every field of every run's configuration as a dotted
 * path (`loss.name`, `model.featureDim`), one row per path and one column per run.
 *
 * Choices, so every reader of the table sees the same thing:
 * - Nested objects are walked down to their leaves; an empty object is a leaf (`{}`), so it still
 *   shows. Keys are joined with `.` unescaped (the run configuration has no dotted keys).
 * - Arrays are one value, compared and shown as JSON (`[1,2]`): a list reads as a whole (an
 *   augmentation list, a grid), and a longer list shows as one differing cell rather than as
 *   "missing" indices. (The run configuration has no arrays today.)
 * - A path one run has and another lacks is *absent* in the other's cell: distinct from a field
 *   that is present with the value `null` (or `undefined`, for objects that did not travel as JSON).
 * - Rows keep the order in which paths first appear, run by run: the schema's order, which reads
 *   better than an alphabetical one.
 */

/** A leaf of a flattened configuration. */
export type ConfigLeaf =
  string | number | boolean | null | undefined | readonly unknown[] | Record<string, never>;

/** A configuration as dotted paths -> leaf values, in the configuration's own order. */
export type FlatConfig = Map<string, ConfigLeaf>;

/** One run's value of one path. */
export type DiffCell = { present: false } | { present: true; value: ConfigLeaf };

export interface ConfigDiffRow {
  path: string;
  /** One cell per configuration, in the order given. */
  cells: DiffCell[];
  /** Whether the cells are not all equal (absent counts as a value of its own). */
  differs: boolean;
}

export interface ConfigDiffOptions {
  /** Keep only the rows that differ (the Compare page and the CLI turn this on). Default false. */
  differencesOnly?: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Flattens a configuration (any JSON-like value) into dotted paths; see the file's comment. */
export function flattenConfig(config: unknown): FlatConfig {
  const flat: FlatConfig = new Map();
  const walk = (value: unknown, path: string): void => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) walk(child, path === '' ? key : `${path}.${key}`);
    } else if (path !== '') {
      flat.set(path, value as ConfigLeaf);
    }
  };
  walk(config, '');
  return flat;
}

/**
 * A cell's identity for equality and grouping: tagged by type, so `1` and `"1"`, `null` and
 * absent, `-0` and `0` (equal, as JSON writes both `0`) are told apart or not as a reader would.
 */
export function cellKey(cell: DiffCell): string {
  if (!cell.present) return 'absent';
  const value = cell.value;
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return `n:${Object.is(value, -0) ? 0 : value}`;
  if (typeof value === 'string') return `s:${value}`;
  if (typeof value === 'boolean') return `b:${value}`;
  return `j:${JSON.stringify(value)}`;
}

/** A cell as text: strings as they are, other values as JSON, absent as `—`. */
export function cellText(cell: DiffCell, absent = '—'): string {
  if (!cell.present) return absent;
  const value = cell.value;
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** The cell of `path` in a flattened configuration. */
export function cellAt(flat: FlatConfig, path: string): DiffCell {
  return flat.has(path) ? { present: true, value: flat.get(path) } : { present: false };
}

/** The diff table of several configurations (runs as columns, paths as rows). */
export function diffConfigs(configs: readonly unknown[], options: ConfigDiffOptions = {}): ConfigDiffRow[] {
  const flats = configs.map(flattenConfig);
  const paths = new Set<string>();
  for (const flat of flats) for (const path of flat.keys()) paths.add(path);
  const rows: ConfigDiffRow[] = [];
  for (const path of paths) {
    const cells = flats.map((flat) => cellAt(flat, path));
    const first = cellKey(cells[0]!);
    const differs = cells.some((cell) => cellKey(cell) !== first);
    if (differs || !options.differencesOnly) rows.push({ path, cells, differs });
  }
  return rows;
}
