import { runConfigSchema } from '@shared/config/run-config';
import type { BackendFacts } from './gpu-status';
import type { ConfigSection, FormValue, FormValues } from './run-config-field-types';
import {
  augmentationSection,
  checkpointSection,
  dataSection,
  evaluationSection,
  lossSection,
  modelSection,
  optimizerSection,
  runSection,
  scheduleSection,
  trainingSection,
  type SectionContext,
} from './run-config-sections';
import { inspectSection } from './run-config-inspect-section';
import {
  isAugmentationPreset,
  isBackbone,
  isDatasetSource,
  isLossName,
  isOptimizerName,
} from './run-config-variants';

// The New-run form's fields: the vocabulary (run-config-field-types), the label tables
// (run-config-labels), hints that depend on other values (run-config-hints), the variant
// pickers (run-config-variant-fields) and one builder per section (run-config-sections).
export type { ConfigField, ConfigSection, FieldKind, FieldOption } from './run-config-field-types';
export * from './run-config-labels';
export { augmentationHint, autoAugmentation, learningRateHint } from './run-config-hints';
export {
  DATASET_SOURCE_FIELD,
  LOSS_NAME_FIELD,
  datasetParameterFields,
  lossParameterFields,
} from './run-config-variant-fields';

/** The schema's defaults: what the form assumes while a discriminating value is not valid. */
const DEFAULTS = runConfigSchema.parse({ name: 'defaults' });

export interface BuildSectionsOptions {
  /**
   * Include fields that only apply to other choices (the MLP backbone's widths, LARS's
   * settings), e.g. to label every path of a stored configuration. Default false.
   */
  all?: boolean;
  /** What the host found, for the backend choices; default null (plain names). */
  backends?: BackendFacts | null;
}

function pick<T>(value: FormValue, guard: (value: unknown) => value is T, fallback: T): T {
  return guard(value) ? value : fallback;
}

/**
 * The New-run form's sections for the current values, in page order. Variant pickers (data
 * source, loss) bring their variant's fields; fields that only matter for one choice (MLP
 * widths, LARS settings) appear with it; hints that depend on other values (the effective
 * learning rate, what `auto` augmentation picks) are worked out by the section builders.
 */
export function buildSections(
  values: FormValues,
  { all = false, backends = null }: BuildSectionsOptions = {},
): ConfigSection[] {
  const context: SectionContext = {
    values,
    all,
    source: pick(values['dataset.source'], isDatasetSource, DEFAULTS.dataset.source),
    lossName: pick(values['loss.name'], isLossName, DEFAULTS.loss.name),
    backbone: pick(values['model.backbone'], isBackbone, DEFAULTS.model.backbone),
    optimizer: pick(values['optimizer.name'], isOptimizerName, DEFAULTS.optimizer.name),
    augmentation: pick(values['augmentation.preset'], isAugmentationPreset, DEFAULTS.augmentation.preset),
    backends,
  };
  return [
    runSection(context),
    dataSection(context),
    augmentationSection(context),
    modelSection(context),
    lossSection(context),
    optimizerSection(context),
    scheduleSection(),
    trainingSection(),
    evaluationSection(context),
    checkpointSection(),
    inspectSection(context),
  ];
}

/** Labels of every path a configuration may hold, for showing a stored configuration. */
export function fieldLabels(values: FormValues): Map<string, string> {
  return new Map(
    buildSections(values, { all: true })
      .flatMap((section) => section.fields)
      .map((field) => [field.path, field.label]),
  );
}
