/** The New-run form's vocabulary: its values, fields and sections (no logic, no imports). */

/** The form keeps one flat value per dotted path; empty optional inputs are `undefined`. */
export type FormValue = string | number | boolean | undefined;
export type FormValues = Record<string, FormValue>;

export type FieldKind = 'text' | 'integer' | 'number' | 'select' | 'boolean';

export interface FieldOption {
  value: string | number;
  label: string;
}

/** One input of the New-run form. */
export interface ConfigField {
  /** Dotted config path; also the input's `name` attribute. */
  path: string;
  label: string;
  kind: FieldKind;
  /** May be left empty: the schema has no default and leaving it out means "not set". */
  optional?: boolean;
  options?: readonly FieldOption[];
  hint?: string;
  placeholder?: string;
  /** Spans the whole row of its section. */
  wide?: boolean;
}

export interface ConfigSection {
  id: string;
  title: string;
  /** One line under the title, e.g. what the chosen variant is. */
  intro?: string;
  fields: ConfigField[];
}

/** Options whose labels are their values. */
export const choices = (values: readonly (string | number)[]): FieldOption[] =>
  values.map((value) => ({ value, label: String(value) }));

/** Options labelled from a table. */
export const labelled = <T extends string>(values: readonly T[], labels: Record<T, string>): FieldOption[] =>
  values.map((value) => ({ value, label: labels[value] }));
