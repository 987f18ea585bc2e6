/** Calls `report` for every value that already occurred earlier in `values`, with its index. */
export function reportDuplicates(
  values: readonly string[],
  report: (index: number, value: string) => void,
): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) {
      report(index, value);
    }
    seen.add(value);
  });
}
