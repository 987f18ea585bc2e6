import { z } from 'zod';

/**
 * Active ISO 4217 currency codes that Ballast accepts on validated topics. A closed list rather
 * than "three capital letters" so that a vendor's pseudo-code (`GBp`/`GBX` for pence on the
 * London Stock Exchange, `ZAc`, `ILA`) or a typo is caught at the edge, not in a valuation.
 *
 * Withdrawn codes are absent on purpose: HRK (Croatia adopted the euro on 2023-01-01) and BGN
 * (Bulgaria adopted the euro on 2026-01-01). Source: ISO 4217 list one, SIX Financial Information.
 */
export const KNOWN_CURRENCIES = [
  // The most traded currencies (BIS Triennial Survey) first.
  'USD',
  'EUR',
  'JPY',
  'GBP',
  'CNY',
  'AUD',
  'CAD',
  'CHF',
  'HKD',
  'SGD',
  'SEK',
  'KRW',
  'NOK',
  'NZD',
  'INR',
  'MXN',
  'TWD',
  'ZAR',
  'BRL',
  'DKK',
  'PLN',
  'THB',
  'ILS',
  'IDR',
  'CZK',
  'AED',
  'TRY',
  'HUF',
  'CLP',
  'SAR',
  'PHP',
  'MYR',
  'COP',
  'RUB',
  'RON',
  'PEN',
  'ISK',
  // Other currencies of markets with listed securities.
  'ARS',
  'BHD',
  'BDT',
  'EGP',
  'GHS',
  'JOD',
  'KES',
  'KWD',
  'KZT',
  'LKR',
  'MAD',
  'MUR',
  'NGN',
  'OMR',
  'PKR',
  'QAR',
  'RSD',
  'TND',
  'UAH',
  'UYU',
  'VND',
] as const;

/** One of {@link KNOWN_CURRENCIES}. */
export type CurrencyCode = (typeof KNOWN_CURRENCIES)[number];

const KNOWN = new Set<string>(KNOWN_CURRENCIES);

/** Whether `value` is one of {@link KNOWN_CURRENCIES}. */
export function isKnownCurrency(value: string): value is CurrencyCode {
  return KNOWN.has(value);
}

/**
 * An ISO 4217 code from {@link KNOWN_CURRENCIES}. The format check runs first so that `usd`
 * reports "upper-case" rather than "unknown", which tells a feed author what to fix.
 */
export const currencyCode = z
  .string({ error: 'must be an ISO 4217 currency code such as "USD"' })
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code of three upper-case letters, such as "USD"')
  .refine((value) => !/^[A-Z]{3}$/.test(value) || isKnownCurrency(value), {
    error: (issue) => `unknown currency code ${JSON.stringify(issue.input)}: not an active ISO 4217 code`,
  });
