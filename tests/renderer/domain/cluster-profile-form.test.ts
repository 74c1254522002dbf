import { describe, expect, it } from 'vitest';
import {
  defaultProfileForm,
  extraArgLines,
  profileFieldOf,
  profileFormValues,
  PROFILE_FIELDS,
  validateProfileForm,
  type ProfileFormValues,
} from '../../../src-renderer/domain/cluster-profile-form';

const form = (overrides: Partial<ProfileFormValues> = {}): ProfileFormValues => ({
  ...defaultProfileForm(),
  name: 'a100',
  runFolder: '/shared/runs',
  ...overrides,
});

describe('the Slurm profile form', () => {
  it('offers every setting of a profile, once', () => {
    expect([...PROFILE_FIELDS].sort()).toEqual(
      [
        'name',
        'partition',
        'gpusPerJob',
        'gpuType',
        'cpusPerTask',
        'memoryGb',
        'timeLimit',
        'account',
        'extraArgs',
        'setup',
        'nodeCommand',
        'cliPath',
        'runFolder',
        'requeue',
        'stopGraceSeconds',
      ].sort(),
    );
  });

  it('turns the form into settings: defaults from the schema, extra arguments one per line', () => {
    const result = validateProfileForm(
      form({ partition: ' gpu ', gpusPerJob: 2, extraArgs: '--qos=high\n\n  --exclusive  \n' }),
    );
    expect(result.messages).toEqual({});
    expect(result.settings).toEqual({
      name: 'a100',
      partition: 'gpu',
      gpusPerJob: 2,
      gpuType: '',
      cpusPerTask: 4,
      memoryGb: 0,
      timeLimit: '',
      account: '',
      extraArgs: ['--qos=high', '--exclusive'],
      setup: '',
      nodeCommand: 'node',
      cliPath: '',
      runFolder: '/shared/runs',
      requeue: true,
      stopGraceSeconds: 120,
    });
    // And back: a stored profile fills the form as it was typed.
    expect(validateProfileForm(profileFormValues(result.settings!)).settings).toEqual(result.settings);
  });

  it('puts each problem on its field, in words a researcher can act on', () => {
    const { settings, messages } = validateProfileForm(
      form({
        name: '',
        runFolder: 'runs/here',
        timeLimit: '4 hours',
        partition: 'gpu nodes',
        gpusPerJob: null,
        cpusPerTask: 0,
        extraArgs: '--qos=high\nexclusive',
        cliPath: 'out/main/cli.js',
      }),
    );
    expect(settings).toBeNull();
    expect(messages).toEqual({
      name: 'Give the profile a name',
      runFolder: 'An absolute path on shared storage, the same on this machine and the nodes',
      timeLimit: 'A time limit as Slurm writes it: 90, 04:00:00 or 2-00:00:00',
      partition: 'A partition name has no spaces or quotes',
      gpusPerJob: 'A whole number from 0 to 64',
      cpusPerTask: 'A whole number from 1 to 1024',
      extraArgs: 'exclusive: Each extra argument is an sbatch option, e.g. --qos=high',
      cliPath: 'An absolute path, as the nodes see it',
    });
  });

  it('maps the call’s field paths to the form’s fields', () => {
    expect(profileFieldOf('settings.runFolder')).toBe('runFolder');
    expect(profileFieldOf('settings.extraArgs.3')).toBe('extraArgs');
    expect(profileFieldOf('name')).toBe('name');
    expect(profileFieldOf('settings.__proto__')).toBeUndefined();
    expect(profileFieldOf('id')).toBeUndefined();
    expect(extraArgLines(' a \n\nb')).toEqual(['a', 'b']);
  });
});
