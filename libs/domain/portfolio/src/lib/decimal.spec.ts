import fc from 'fast-check';
import { scaledDecimal } from '../testing/portfolio.fixtures';
import {
  DECIMAL_PRECISION,
  Decimal,
  addExact,
  multiplyExact,
  parseDecimal,
  sumExact,
  toDecimal,
  toDecimalString,
} from './decimal';
import { DecimalPrecisionError, InvalidDecimalError } from './errors';

describe('toDecimal', () => {
  it.each([
    ['101.25', '101.25'],
    ['-20.05', '-20.05'],
    ['+7', '7'],
    ['.5', '0.5'],
    ['1.', '1'],
    ['10.500', '10.5'],
    ['1e-7', '0.0000001'],
    ['2.5E3', '2500'],
    ['-0', '0'],
    ['0.000000000000000001', '0.000000000000000001'],
  ])('parses %j exactly as %j', (input, canonical) => {
    expect(toDecimalString(toDecimal(input, 'amount'))).toBe(canonical);
  });

  it('keeps every digit of a long input (no rounding on parse)', () => {
    const long = '123456789012345678901234567890.1234567';
    expect(toDecimalString(toDecimal(long, 'amount'))).toBe(long);
  });

  it.each([
    '',
    ' 1',
    '1 ',
    'abc',
    '1,5',
    '1e',
    '--1',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '0b1',
    // Beyond decimal128's exponent range: would overflow to Infinity or underflow to 0.
    '1e7000',
    '1e-7000',
  ])('rejects %j with a message naming the value', (input) => {
    const attempt = () => toDecimal(input, 'quantity of VTI');
    expect(attempt).toThrow(InvalidDecimalError);
    expect(attempt).toThrow(
      `quantity of VTI: expected a finite decimal string such as "1234.56", got ${JSON.stringify(input)}`,
    );
  });

  it('accepts an exact zero written with an exponent', () => {
    expect(toDecimalString(toDecimal('0e-7000', 'amount'))).toBe('0');
  });

  it('rejects non-strings that reach it at run time (untyped JSON)', () => {
    expect(() => toDecimal(12 as unknown as string, 'cash')).toThrow(
      'cash: expected a finite decimal string such as "1234.56", got number 12',
    );
    expect(() => toDecimal(null as unknown as string, 'cash')).toThrow('got null');
    expect(() => toDecimal(undefined as unknown as string, 'cash')).toThrow('got undefined');
  });

  it('carries what and the value on the error', () => {
    try {
      toDecimal('12,5', 'price of VTI');
      throw new Error('expected toDecimal to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidDecimalError);
      expect(error).toMatchObject({ name: 'InvalidDecimalError', what: 'price of VTI', value: '12,5' });
    }
  });

  it('parseDecimal returns undefined instead of throwing', () => {
    expect(parseDecimal('abc')).toBeUndefined();
    expect(parseDecimal('1.5')?.toFixed()).toBe('1.5');
  });
});

describe('the configured Decimal', () => {
  it('divides to 34 significant digits (decimal128)', () => {
    expect(new Decimal(1).dividedBy(3).toFixed()).toBe(`0.${'3'.repeat(DECIMAL_PRECISION)}`);
  });

  it("rounds half to even (banker's rounding)", () => {
    expect(
      ['0.5', '1.5', '2.5', '3.5', '-2.5'].map((v) => new Decimal(v).toDecimalPlaces(0).toFixed()),
    ).toEqual(['0', '2', '2', '4', '-2']);
    // 2/3 to 34 digits: the 35th digit is 6, so the last kept digit rounds up to 7.
    expect(new Decimal(2).dividedBy(3).toFixed()).toBe(`0.${'6'.repeat(33)}7`);
  });
});

describe('exact arithmetic', () => {
  it('adds what binary floats cannot: 0.1 + 0.2 = 0.3', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(toDecimalString(addExact(toDecimal('0.1', 'a'), toDecimal('0.2', 'b'), 'sum'))).toBe('0.3');
  });

  it('multiplies what binary floats cannot: 0.1 × 0.2 = 0.02', () => {
    expect(0.1 * 0.2).not.toBe(0.02);
    expect(toDecimalString(multiplyExact(toDecimal('0.1', 'q'), toDecimal('0.2', 'p'), 'value'))).toBe(
      '0.02',
    );
  });

  it('multiplies up to 34 significant digits exactly', () => {
    // 99999999999999999² = 9999999999999999800000000000000001 (34 digits), checked with BigInt.
    const seventeenNines = '9'.repeat(17);
    const product = multiplyExact(toDecimal(seventeenNines, 'a'), toDecimal(seventeenNines, 'b'), 'product');
    expect(toDecimalString(product)).toBe((BigInt(seventeenNines) * BigInt(seventeenNines)).toString());
  });

  it('throws instead of rounding a product that needs more than 34 digits', () => {
    const attempt = () =>
      multiplyExact(
        toDecimal('123456789012345678', 'q'),
        toDecimal('1234567890.12345678', 'p'),
        'market value of X',
      );
    expect(attempt).toThrow(DecimalPrecisionError);
    expect(attempt).toThrow('market value of X: the exact result does not fit in 34 significant digits');
  });

  it('throws instead of rounding a sum across too wide a range of magnitudes', () => {
    expect(() => addExact(toDecimal('1e20', 'a'), toDecimal('1e-20', 'b'), 'total value')).toThrow(
      'total value: the exact result does not fit in 34 significant digits',
    );
  });

  it('throws on overflow and underflow rather than returning Infinity or 0', () => {
    expect(() => multiplyExact(toDecimal('1e6000', 'a'), toDecimal('1e6000', 'b'), 'big')).toThrow(
      DecimalPrecisionError,
    );
    expect(() => multiplyExact(toDecimal('1e-6000', 'a'), toDecimal('1e-6000', 'b'), 'small')).toThrow(
      DecimalPrecisionError,
    );
  });

  it('returns an exact zero on cancellation and for zero operands', () => {
    const x = toDecimal('0.1234567890123456789012345678901234', 'x');
    expect(toDecimalString(addExact(x, x.negated(), 'sum'))).toBe('0');
    expect(toDecimalString(multiplyExact(x, toDecimal('0', 'zero'), 'product'))).toBe('0');
    expect(toDecimalString(sumExact([], 'nothing'))).toBe('0');
  });

  it('agrees with BigInt arithmetic on scaled integers (property)', () => {
    const amount = fc.record({
      units: fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
      scale: fc.integer({ min: 0, max: 8 }),
    });
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const x = toDecimal(scaledDecimal(a.units, a.scale), 'a');
        const y = toDecimal(scaledDecimal(b.units, b.scale), 'b');
        // Bring both to the larger scale, then add and multiply as integers.
        const scale = Math.max(a.scale, b.scale);
        const ua = a.units * 10n ** BigInt(scale - a.scale);
        const ub = b.units * 10n ** BigInt(scale - b.scale);
        expect(addExact(x, y, 'sum').eq(toDecimal(scaledDecimal(ua + ub, scale), 'expected'))).toBe(true);
        expect(
          multiplyExact(x, y, 'product').eq(
            toDecimal(scaledDecimal(a.units * b.units, a.scale + b.scale), 'expected'),
          ),
        ).toBe(true);
      }),
    );
  });
});

describe('toDecimalString', () => {
  it('never uses exponent notation and never prints -0', () => {
    expect(toDecimalString(new Decimal('1e21'))).toBe('1000000000000000000000');
    expect(toDecimalString(new Decimal('-1e-8'))).toBe('-0.00000001');
    expect(toDecimalString(new Decimal('-0'))).toBe('0');
  });
});
