import { buildSections, type ConfigField } from '../../src-renderer/domain/run-config-fields';
import { configFormValues, type FormValues } from '../../src-renderer/domain/run-config-form';

/** A fixed clock for `defaultFormValues`, so the defaults are the same on every test run. */
export const NOW = Date.UTC(2025, 5, 12, 14, 32);

/**
 * The schema's defaults on a small run (LARS, b = d, `auto` augmentation): the form's rules are
 * tested from here rather than from the quickstart recipe the form starts with.
 */
export function schemaDefaultValues(): FormValues {
  return configFormValues({
    name: 'quick',
    dataset: { source: 'embedded', trainLimit: 2048 },
    model: { backbone: 'small-cnn' },
    schedule: { warmupEpochs: 0 },
    training: { epochs: 2, batchSize: 128 },
    evaluation: { bankLimit: 1000, testLimit: 500 },
  });
}

/** Every field the form shows for `values`, all sections in order. */
export function fieldsOf(values: FormValues): ConfigField[] {
  return buildSections(values).flatMap((section) => section.fields);
}
