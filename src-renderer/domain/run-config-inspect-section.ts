import { SNAPSHOT_DTYPES } from '@shared/inspect';
import { choices, type ConfigSection } from './run-config-field-types';
import type { SectionContext } from './run-config-sections';

/**
 * Decorrelation-inspector snapshots: when they are taken and what they hold. The rest of the
 * section is hidden while snapshots are off, as the probe's rate is with the online probe.
 */
export function inspectSection({ values, all }: SectionContext): ConfigSection {
  const enabled = all || values['inspect.enabled'] !== false;
  return {
    id: 'inspect',
    title: 'Decorrelation snapshots',
    intro:
      'Z1, Z2 and backbone features of a fixed probe batch, for the Inspect tab: at initialisation, on this schedule and at the end. They leave the training unchanged.',
    fields: [
      {
        path: 'inspect.enabled',
        label: 'Take snapshots',
        kind: 'boolean',
        hint: 'O(n d) bytes each, never d x d',
      },
      ...(enabled
        ? [
            {
              path: 'inspect.everyEpochs',
              label: 'Every N epochs',
              kind: 'integer' as const,
              hint: '0 = not by epochs',
            },
            {
              path: 'inspect.everySteps',
              label: 'Every N steps',
              kind: 'integer' as const,
              hint: '0 = off; for long epochs',
            },
            {
              path: 'inspect.probeImages',
              label: 'Probe images n',
              kind: 'integer' as const,
              hint: 'The same images and views every time',
            },
            { path: 'inspect.probeSeed', label: 'Probe seed', kind: 'integer' as const },
            {
              path: 'inspect.dtype',
              label: 'Stored as',
              kind: 'select' as const,
              options: choices(SNAPSHOT_DTYPES),
              hint: 'float16 halves the bytes',
            },
            {
              path: 'inspect.backbone',
              label: 'Backbone features too',
              kind: 'boolean' as const,
              hint: 'For their spectrum and RankMe',
            },
          ]
        : []),
    ],
  };
}
