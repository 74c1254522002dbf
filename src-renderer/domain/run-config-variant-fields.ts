import { DATASET_SOURCES, LOSS_NAMES } from '@shared/config/run-config';
import { labelled, type ConfigField } from './run-config-field-types';
import { DATASET_LABELS, DATASET_PATHS, LOSS_LABELS, LOSS_PARAMETERS } from './run-config-labels';
import {
  DATASET_SCHEMAS,
  LOSS_SCHEMAS,
  variantKeys,
  type DatasetSource,
  type LossName,
} from './run-config-variants';

/** The variant pickers (data source, loss) and the fields each variant brings, from its schema. */

function datasetParameterField(source: DatasetSource, key: string): ConfigField {
  const path = `dataset.${key}`;
  switch (key) {
    case 'path': {
      const paths = source === 'embedded' ? undefined : DATASET_PATHS[source];
      return { path, label: 'Folder', kind: 'text', wide: true, ...paths };
    }
    case 'labels':
      return {
        path,
        label: 'Labels',
        kind: 'select',
        options: [
          { value: 'fine', label: 'fine (100 classes)' },
          { value: 'coarse', label: 'coarse (20 superclasses)' },
        ],
        hint: 'Classes of the kNN evaluation',
      };
    case 'imageSize':
      return { path, label: 'Image size (px)', kind: 'integer', hint: 'Images are resized to this square' };
    case 'testFraction':
      return {
        path,
        label: 'Held-out share',
        kind: 'number',
        hint: 'Used when the folder has no test/ or val/ split',
      };
    case 'trainLimit':
      return {
        path,
        label: 'Training images',
        kind: 'integer',
        optional: true,
        placeholder: 'all',
        hint: 'Use only the first N training images',
      };
    default:
      return { path, label: key, kind: 'number' };
  }
}

export const DATASET_SOURCE_FIELD: ConfigField = {
  path: 'dataset.source',
  label: 'Source',
  kind: 'select',
  options: labelled(DATASET_SOURCES, DATASET_LABELS),
  wide: true,
};

/** The fields of one dataset source after the source picker, in schema order. */
export function datasetParameterFields(source: DatasetSource): ConfigField[] {
  return variantKeys(DATASET_SCHEMAS[source].shape, 'source').map((key) =>
    datasetParameterField(source, key),
  );
}

export const LOSS_NAME_FIELD: ConfigField = {
  path: 'loss.name',
  label: 'Loss',
  kind: 'select',
  options: LOSS_NAMES.map((name) => ({ value: name, label: `${LOSS_LABELS[name]} (${name})` })),
  wide: true,
};

/** The parameter fields of one loss variant, in schema order. */
export function lossParameterFields(name: LossName): ConfigField[] {
  return variantKeys(LOSS_SCHEMAS[name].shape, 'name').map((key) => ({
    path: `loss.${key}`,
    ...(LOSS_PARAMETERS[key] ?? { label: key, kind: 'number' as const }),
  }));
}
