// The boundary rule allows contracts only `zod` and cannot tell specs from product code; fast-check
// is a test-only dependency that never reaches the library's consumers.
import fc from 'fast-check';
import { decimalString, nonNegativeDecimalString, positiveDecimalString } from './decimal-string';
import { issuesOf } from './testing/issues';

const FORMAT = '(root): must be a decimal string such as "101.25"';

describe('decimalString', () => {
  it.each(['0', '101.25', '-3', '0.000001', '-0.00', '1234567890.123456789'])('accepts %s', (value) => {
    expect(issuesOf(decimalString, value)).toEqual([]);
  });

  it.each([
    '1e5',
    '1E5',
    '+1',
    '',
    '.5',
    '5.',
    '1,000.00',
    ' 1',
    '1 ',
    '--1',
    'NaN',
    'Infinity',
    '0x10',
    '١٢',
  ])('rejects %j with the format message', (value) => {
    expect(issuesOf(decimalString, value)).toEqual([FORMAT]);
  });

  it('rejects JSON numbers: money never travels as a float', () => {
    expect(issuesOf(decimalString, 101.25)).toEqual([FORMAT]);
  });

  it('rejects strings longer than 40 characters', () => {
    expect(issuesOf(decimalString, '1'.repeat(41))).toEqual(['(root): must be at most 40 characters']);
    expect(issuesOf(decimalString, '1'.repeat(40))).toEqual([]);
  });

  it('accepts any number formatted with toFixed (up to 15 integer and 20 fraction digits)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e15, max: 1e15, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        (value, fractionDigits) => {
          expect(issuesOf(decimalString, value.toFixed(fractionDigits))).toEqual([]);
        },
      ),
    );
  });

  it('rejects any string containing an exponent marker "e"', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        expect(decimalString.safeParse(`${before}e${after}`).success).toBe(false);
      }),
    );
  });
});

describe('positiveDecimalString', () => {
  it.each(['0.01', '251.37', '1'])('accepts %s', (value) => {
    expect(issuesOf(positiveDecimalString, value)).toEqual([]);
  });

  it.each(['0', '0.000', '-0', '-0.00', '-1', '-251.37'])('rejects %s as not greater than zero', (value) => {
    expect(issuesOf(positiveDecimalString, value)).toEqual(['(root): must be greater than zero']);
  });

  it('reports a malformed string once, by its format', () => {
    expect(issuesOf(positiveDecimalString, '-1e5')).toEqual([FORMAT]);
  });
});

describe('nonNegativeDecimalString', () => {
  it.each(['0', '0.000', '-0.00', '1520.10'])('accepts %s', (value) => {
    expect(issuesOf(nonNegativeDecimalString, value)).toEqual([]);
  });

  it.each(['-0.01', '-100'])('rejects %s as negative', (value) => {
    expect(issuesOf(nonNegativeDecimalString, value)).toEqual(['(root): must not be negative']);
  });
});
