import { unitRoot, type FftSign } from './plan';

/**
 * WGSL text of a radix-R butterfly, y_t = sum_r x_r exp(sign 2 pi i r t / R), on vec2<f32>
 * values (re, im). Even radices (2, 4, 8, 16) split into two half-size DFTs, so 2 and 4 need no
 * general multiply and 8 only two; odd primes pair x_r with x_{R-r}, halving the multiplies. The
 * constants are float64 values written as literals, with exact 0 / ±1 snapped by unitRoot, so a
 * multiply by ±1 or ±i is a sign change or a swap.
 */
export interface Butterfly {
  /** `let` statements, in order. */
  lines: string[];
  /** Variable names holding y_0 .. y_{R-1}. */
  outputs: string[];
}

/** A WGSL float literal of a float64 value (WGSL rounds it to f32). */
export function f32Literal(value: number): string {
  if (value === 0) return '0.0';
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

export function butterflyWgsl(radix: number, sign: FftSign, inputs: string[]): Butterfly {
  if (inputs.length !== radix) throw new Error(`butterfly: ${radix} inputs needed`);
  const writer = new ButterflyWriter(sign);
  const outputs = writer.dft(inputs);
  return { lines: writer.lines, outputs };
}

class ButterflyWriter {
  readonly lines: string[] = [];
  private counter = 0;

  constructor(private readonly sign: FftSign) {}

  dft(x: string[]): string[] {
    const n = x.length;
    if (n === 1) return x;
    return n % 2 === 0 ? this.evenDft(x) : this.oddDft(x);
  }

  /** y_t = E_t + w_n^t O_t, y_{t + n/2} = E_t - w_n^t O_t over the even and odd halves. */
  private evenDft(x: string[]): string[] {
    const n = x.length;
    const even = this.dft(x.filter((_, i) => i % 2 === 0));
    const odd = this.dft(x.filter((_, i) => i % 2 === 1));
    const y: string[] = new Array<string>(n);
    for (let t = 0; t < n / 2; t++) {
      const turned = this.rotate(odd[t]!, t, n);
      y[t] = this.let(`${even[t]} + ${turned}`);
      y[t + n / 2] = this.let(`${even[t]} - ${turned}`);
    }
    return y;
  }

  /**
   * Odd n: y_t = x_0 + sum_r a_r cos(2 pi r t/n) + i sign sum_r b_r sin(2 pi r t/n) with
   * a_r = x_r + x_{n-r}, b_r = x_r - x_{n-r}, r = 1..(n-1)/2; y_{n-t} flips the sine part.
   */
  private oddDft(x: string[]): string[] {
    const n = x.length;
    const half = (n - 1) / 2;
    const sums: string[] = [];
    const differences: string[] = [];
    for (let r = 1; r <= half; r++) {
      sums.push(this.let(`${x[r]} + ${x[n - r]}`));
      differences.push(this.let(`${x[r]} - ${x[n - r]}`));
    }
    const y: string[] = new Array<string>(n);
    y[0] = this.let([x[0], ...sums].join(' + '));
    for (let t = 1; t <= half; t++) {
      const cosines = sums.map((a, i) => `${a} * ${f32Literal(unitRoot((i + 1) * t, n, 1)[0])}`);
      const sines = differences.map((b, i) => `${b} * ${f32Literal(unitRoot((i + 1) * t, n, 1)[1])}`);
      const real = this.let([x[0], ...cosines].join(' + '));
      const turned = this.timesI(this.let(sines.join(' + ')), this.sign);
      y[t] = this.let(`${real} + ${turned}`);
      y[n - t] = this.let(`${real} - ${turned}`);
    }
    return y;
  }

  /** value * exp(sign 2 pi i t / n), with no multiply where that is ±1 or ±i. */
  private rotate(value: string, t: number, n: number): string {
    const [re, im] = unitRoot(t, n, this.sign);
    if (im === 0) return re === 1 ? value : this.let(`-${value}`);
    if (re === 0) return this.timesI(value, im as FftSign);
    return this.let(`cmul(${value}, vec2<f32>(${f32Literal(re)}, ${f32Literal(im)}))`);
  }

  /** value * (±i): i (a + i b) = (-b, a). */
  private timesI(value: string, sign: FftSign): string {
    return this.let(sign === 1 ? `vec2<f32>(-${value}.y, ${value}.x)` : `vec2<f32>(${value}.y, -${value}.x)`);
  }

  private let(expression: string): string {
    const name = `v${this.counter++}`;
    this.lines.push(`let ${name} = ${expression};`);
    return name;
  }
}
