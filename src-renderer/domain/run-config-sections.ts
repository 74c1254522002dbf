import { AUGMENTATION_PRESETS, BACKBONES, BACKEND_NAMES, OPTIMIZERS } from '@shared/config/run-config';
import { backendHint, backendOptions, type BackendFacts } from './gpu-status';
import { REFERENCE_BATCH_SIZE } from './run-config-form';
import { labelled, type ConfigSection, type FormValues } from './run-config-field-types';
import { augmentationHint, learningRateHint } from './run-config-hints';
import {
  DATASET_SOURCE_FIELD,
  LOSS_NAME_FIELD,
  datasetParameterFields,
  lossParameterFields,
} from './run-config-variant-fields';
import {
  AUGMENTATION_LABELS,
  BACKBONE_DESCRIPTIONS,
  BACKBONE_LABELS,
  DATASET_DESCRIPTIONS,
  LOSS_DESCRIPTIONS,
  OPTIMIZER_DESCRIPTIONS,
  OPTIMIZER_LABELS,
} from './run-config-labels';
import {
  type AugmentationPresetName,
  type BackboneName,
  type DatasetSource,
  type LossName,
  type OptimizerName,
} from './run-config-variants';

/** What a section builder needs: the values, and the variant choices already made safe. */
export interface SectionContext {
  values: FormValues;
  /** Include fields of choices not made (to label every path of a stored configuration). */
  all: boolean;
  source: DatasetSource;
  lossName: LossName;
  backbone: BackboneName;
  optimizer: OptimizerName;
  augmentation: AugmentationPresetName;
  /** What the host found (backends, WebGPU adapters); null until it answers. */
  backends: BackendFacts | null;
}

/** The run itself: its name, seed and compute backend (named with the GPU the host found). */
export function runSection({ values, backends }: Pick<SectionContext, 'values' | 'backends'>): ConfigSection {
  const backend = values.backend;
  return {
    id: 'run',
    title: 'Run',
    fields: [
      { path: 'name', label: 'Name', kind: 'text', wide: true, placeholder: 'e.g. bt-baseline' },
      { path: 'seed', label: 'Seed', kind: 'integer', hint: 'Weights, data order and augmentation' },
      {
        path: 'backend',
        label: 'Backend',
        kind: 'select',
        // Wide: the choices name the GPU, e.g. "webgpu — NVIDIA H200 (Vulkan)".
        wide: true,
        options: backendOptions(backends),
        hint: backendHint(
          backends,
          BACKEND_NAMES.find((name) => name === backend),
        ),
      },
    ],
  };
}

/** The data source picker and the chosen source's own fields. */
export function dataSection({ source }: SectionContext): ConfigSection {
  return {
    id: 'data',
    title: 'Data',
    intro: DATASET_DESCRIPTIONS[source],
    fields: [DATASET_SOURCE_FIELD, ...datasetParameterFields(source)],
  };
}

/** The augmentation preset (its hint says what `auto` picks here) and the crop size. */
export function augmentationSection({ source, lossName, augmentation }: SectionContext): ConfigSection {
  const imagenetCrop = augmentation === 'bt-imagenet' || augmentation === 'vicreg-imagenet';
  return {
    id: 'augmentation',
    title: 'Augmentation',
    fields: [
      {
        path: 'augmentation.preset',
        label: 'Preset',
        kind: 'select',
        wide: true,
        options: labelled(AUGMENTATION_PRESETS, AUGMENTATION_LABELS),
        hint: augmentationHint(augmentation, source, lossName),
      },
      {
        path: 'augmentation.cropSize',
        label: 'Crop size (px)',
        kind: 'integer',
        optional: true,
        placeholder: imagenetCrop ? '224 (preset)' : 'image size',
        hint: 'Side of the random resized crop the model sees',
      },
    ],
  };
}

/** Backbone and projector; the MLP widths only with the MLP backbone. */
export function modelSection({ all, backbone }: SectionContext): ConfigSection {
  return {
    id: 'model',
    title: 'Model',
    fields: [
      {
        path: 'model.backbone',
        label: 'Backbone',
        kind: 'select',
        wide: true,
        options: labelled(BACKBONES, BACKBONE_LABELS),
        hint: BACKBONE_DESCRIPTIONS[backbone],
      },
      ...(all || backbone === 'mlp'
        ? [
            { path: 'model.backboneHiddenDim', label: 'MLP hidden dim', kind: 'integer' as const },
            {
              path: 'model.featureDim',
              label: 'MLP feature dim',
              kind: 'integer' as const,
              hint: 'Width of the features kNN evaluates',
            },
          ]
        : []),
      { path: 'model.projectorHiddenDim', label: 'Projector hidden dim', kind: 'integer' },
      {
        path: 'model.projectorOutputDim',
        label: 'Embedding dim d',
        kind: 'integer',
        hint: 'Dimension the loss decorrelates',
      },
    ],
  };
}

/** The loss picker and the chosen loss's parameters. */
export function lossSection({ lossName }: SectionContext): ConfigSection {
  return {
    id: 'loss',
    title: 'Loss',
    intro: LOSS_DESCRIPTIONS[lossName],
    fields: [LOSS_NAME_FIELD, ...lossParameterFields(lossName)],
  };
}

/** The optimizer, with Adam's β1 wording and LARS's own settings where they apply. */
export function optimizerSection({ values, all, optimizer }: SectionContext): ConfigSection {
  const isAdam = optimizer === 'adam' || optimizer === 'adamw';
  return {
    id: 'optimizer',
    title: 'Optimizer',
    fields: [
      {
        path: 'optimizer.name',
        label: 'Optimizer',
        kind: 'select',
        wide: true,
        options: labelled(OPTIMIZERS, OPTIMIZER_LABELS),
        hint: OPTIMIZER_DESCRIPTIONS[optimizer],
      },
      {
        path: 'optimizer.learningRate',
        label: 'Base learning rate',
        kind: 'number',
        hint: learningRateHint(values),
      },
      {
        path: 'optimizer.scaleByBatch',
        label: `Scale by batch / ${REFERENCE_BATCH_SIZE}`,
        kind: 'boolean',
        hint: 'Linear scaling rule (solo-learn)',
      },
      isAdam
        ? {
            path: 'optimizer.momentum',
            label: 'β1 (momentum)',
            kind: 'number',
            hint: "Decay of Adam's first moment",
          }
        : { path: 'optimizer.momentum', label: 'Momentum', kind: 'number' },
      { path: 'optimizer.weightDecay', label: 'Weight decay', kind: 'number' },
      ...(all || optimizer === 'lars'
        ? [
            {
              path: 'optimizer.eta',
              label: 'LARS trust coefficient η',
              kind: 'number' as const,
            },
            {
              path: 'optimizer.clipLars',
              label: 'Clip LARS rate',
              kind: 'boolean' as const,
              hint: 'The adaptive rate never exceeds the global one',
            },
          ]
        : []),
      {
        path: 'optimizer.excludeBiasAndNorm',
        label: 'Exclude biases and norms',
        kind: 'boolean',
        hint:
          optimizer === 'lars'
            ? 'No weight decay and no LARS adaptation for them'
            : 'No weight decay for biases and normalisation weights',
      },
    ],
  };
}

/** Warm-up and cosine decay of the learning rate. */
export function scheduleSection(): ConfigSection {
  return {
    id: 'schedule',
    title: 'Schedule',
    intro: 'Linear warm-up, then cosine decay to the minimum rate.',
    fields: [
      { path: 'schedule.warmupEpochs', label: 'Warm-up epochs', kind: 'number' },
      { path: 'schedule.warmupStartLearningRate', label: 'Warm-up start rate', kind: 'number' },
      {
        path: 'schedule.minLearningRate',
        label: 'Minimum rate',
        kind: 'number',
        hint: 'Reached at the end',
      },
    ],
  };
}

/** Epochs, batch and the optional step and micro-batch limits. */
export function trainingSection(): ConfigSection {
  return {
    id: 'training',
    title: 'Training',
    fields: [
      { path: 'training.epochs', label: 'Epochs', kind: 'integer' },
      { path: 'training.batchSize', label: 'Batch size', kind: 'integer' },
      {
        path: 'training.maxSteps',
        label: 'Max steps',
        kind: 'integer',
        optional: true,
        placeholder: 'no limit',
        hint: 'Stop early even if epochs remain',
      },
      {
        path: 'training.microBatchSize',
        label: 'Micro-batch size',
        kind: 'integer',
        optional: true,
        placeholder: 'whole batch',
        hint: 'Exact gradients a few images at a time, for batches beyond memory (batch-norm sees micro-batches)',
      },
    ],
  };
}

/** kNN evaluation and the online linear probe. */
export function evaluationSection({ values, all }: SectionContext): ConfigSection {
  return {
    id: 'evaluation',
    title: 'Evaluation',
    intro:
      'Weighted kNN on backbone features (cosine), at initialisation and at the end; an online linear probe can train alongside.',
    fields: [
      { path: 'evaluation.knnK', label: 'Neighbours k', kind: 'integer' },
      { path: 'evaluation.knnTemperature', label: 'Temperature', kind: 'number' },
      {
        path: 'evaluation.everyEpochs',
        label: 'Every N epochs',
        kind: 'integer',
        hint: '0 = only at the start and the end',
      },
      {
        path: 'evaluation.bankLimit',
        label: 'Bank images',
        kind: 'integer',
        optional: true,
        placeholder: 'all',
        hint: 'Training images the neighbours come from',
      },
      {
        path: 'evaluation.testLimit',
        label: 'Test images',
        kind: 'integer',
        optional: true,
        placeholder: 'all',
        hint: 'Held-out images classified',
      },
      {
        path: 'evaluation.onlineProbe',
        label: 'Online linear probe',
        kind: 'boolean',
        hint: 'On detached backbone features (solo-learn)',
      },
      ...(all || values['evaluation.onlineProbe'] !== false
        ? [{ path: 'evaluation.probeLearningRate', label: 'Probe learning rate', kind: 'number' as const }]
        : []),
    ],
  };
}

/** When checkpoints are taken and which are kept. */
export function checkpointSection(): ConfigSection {
  return {
    id: 'checkpoint',
    title: 'Checkpoints',
    intro: 'Also saved at the end and when the run is stopped.',
    fields: [
      {
        path: 'checkpoint.everyEpochs',
        label: 'Every N epochs',
        kind: 'integer',
        hint: '0 = not by epochs',
      },
      {
        path: 'checkpoint.everySteps',
        label: 'Every N steps',
        kind: 'integer',
        hint: '0 = off; for long epochs',
      },
      { path: 'checkpoint.keepLast', label: 'Keep newest N', kind: 'integer' },
      {
        path: 'checkpoint.keepBest',
        label: 'Keep the best kNN top-1',
        kind: 'boolean',
      },
    ],
  };
}
