import { isoDateString, isoDateTimeString, tickerSymbol, uuidString } from './primitives';
import { issuesOf } from './testing/issues';

describe('tickerSymbol', () => {
  it.each(['VTI', 'BRK.B', 'BF-B', '^GSPC', 'EURUSD=X', '7203.T'])('accepts %s', (symbol) => {
    expect(issuesOf(tickerSymbol, symbol)).toEqual([]);
  });

  it.each(['vti', '', 'VTI US', 'A'.repeat(21), 'VTI/'])('rejects %j', (symbol) => {
    expect(issuesOf(tickerSymbol, symbol)).toEqual([
      '(root): must be an upper-case ticker of 1 to 20 letters, digits or . - ^ = (such as "VTI" or "BRK.B")',
    ]);
  });
});

describe('isoDateTimeString', () => {
  it.each(['2024-03-15T14:30:00Z', '2024-03-15T15:30:00.250+01:00', '2024-03-15T14:30:00.123456Z'])(
    'accepts %s',
    (value) => {
      expect(issuesOf(isoDateTimeString, value)).toEqual([]);
    },
  );

  it.each(['2024-03-15T14:30:00', '2024-03-15', '15/03/2024 14:30', '1710513000000'])(
    'rejects %s, which has no time zone or is not ISO-8601',
    (value) => {
      expect(issuesOf(isoDateTimeString, value)).toEqual([
        '(root): must be an ISO-8601 date-time with a time zone, such as "2024-03-15T14:30:00Z"',
      ]);
    },
  );
});

describe('isoDateString', () => {
  it('accepts a calendar date and rejects a date-time', () => {
    expect(issuesOf(isoDateString, '2021-06-01')).toEqual([]);
    expect(issuesOf(isoDateString, '2021-06-01T00:00:00Z')).toEqual([
      '(root): must be a date such as "2024-03-15"',
    ]);
  });
});

describe('uuidString', () => {
  it('accepts what crypto.randomUUID produces', () => {
    expect(issuesOf(uuidString, globalThis.crypto.randomUUID())).toEqual([]);
  });

  it.each(['not-a-uuid', '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9', '3f1c9a528e4b4c7d9a1e2b5f6c7d8e9f'])(
    'rejects %s',
    (value) => {
      expect(issuesOf(uuidString, value)).toEqual([
        '(root): must be a UUID such as "0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b"',
      ]);
    },
  );
});
