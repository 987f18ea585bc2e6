/**
 * Order of symbols in every output of this library: by UTF-16 code unit, as `Array.prototype.sort`
 * does by default, rather than `localeCompare`, so that reports do not depend on the runtime's locale.
 */
export function compareSymbols(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
