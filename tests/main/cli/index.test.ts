import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

describe('the command line with a command it does not know (real process)', () => {
  it('suggests the nearest command and leaves the options out of the name', () => {
    const result = cli(['trian', '--preset', 'quickstart']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Unknown command "trian"\. Did you mean "train"\?\n/);
    expect(result.stderr).not.toMatch(/--preset/);
    expect(result.stdout).toBe('');
  });

  it('suggests the subcommands of a group whose name was mistyped or left incomplete', () => {
    const typo = cli(['run', 'lst', '--db', '/nonexistent/x.sqlite']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /Unknown command "run lst"\. Did you mean one of "runs list", "runs show", "runs export", "runs compare", "runs tag", "runs rename", "runs note"\?/,
    );
    expect(cli(['bench', '--json']).stderr).toMatch(
      /^Unknown command "bench"\. Did you mean one of "bench loss", "bench train", "bench store", "bench compare", "bench inspect", "bench gpu"\?/,
    );
    expect(cli(['exprot', '3']).stderr).toMatch(/^Unknown command "exprot"\. Did you mean "export"\?/);
  });

  it('lists every command when nothing is near, and asks for a command before options', () => {
    const far = cli(['fly', 'home']);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/^Unknown command "fly"\.\n\n/);
    expect(far.stderr).toMatch(/Commands:\n(.|\n)*runs show/);
    const optionsOnly = cli(['--db', 'x.sqlite']);
    expect(optionsOnly.code).toBe(2);
    expect(optionsOnly.stderr).toMatch(/^Give a command before the options \(--db\)/);
  });
});
