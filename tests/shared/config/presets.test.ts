import { describe, expect, it } from 'vitest';
import { PRESETS } from '@shared/config/presets';
import { runConfigSchema } from '@shared/config/run-config';
import { describeIssues } from '@shared/validation';

describe('presets', () => {
  it.each(Object.keys(PRESETS))('%s parses with the strict schema, every field known', (name) => {
    const parsed = runConfigSchema.safeParse(PRESETS[name]!.config);
    expect(parsed.success ? '' : describeIssues(parsed.error)).toBe('');
  });

  it('would be refused with a misspelled field (the strictness the test above relies on)', () => {
    const config = structuredClone(PRESETS.quickstart!.config) as Record<string, unknown>;
    (config.loss as Record<string, unknown>).blocksize = 8;
    const parsed = runConfigSchema.safeParse(config);
    expect(parsed.success ? '' : describeIssues(parsed.error)).toBe(
      'loss.blocksize: unknown field; did you mean loss.blockSize?',
    );
  });
});
