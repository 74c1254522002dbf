import { describe, expect, it } from 'vitest';
import { hintSegments } from '../../src-renderer/domain/hint-text';

describe('help texts', () => {
  it('show commands as code and addresses as links, the rest as plain text', () => {
    expect(
      hintSegments('Run `npm run cli -- download cifar10`; see https://www.cs.toronto.edu/~kriz/cifar.html.'),
    ).toEqual([
      { kind: 'text', text: 'Run ' },
      { kind: 'code', text: 'npm run cli -- download cifar10' },
      { kind: 'text', text: '; see ' },
      {
        kind: 'link',
        text: 'https://www.cs.toronto.edu/~kriz/cifar.html',
        href: 'https://www.cs.toronto.edu/~kriz/cifar.html',
      },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never turn text into markup', () => {
    expect(hintSegments('<b>bold</b> and a lone ` tick')).toEqual([
      { kind: 'text', text: '<b>bold</b> and a lone ` tick' },
    ]);
    expect(hintSegments('')).toEqual([]);
  });
});
