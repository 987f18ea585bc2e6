/**
 * Minimal benchmark harness: warms up, then times `runs` calls and reports median and p95 in
 * milliseconds as a Markdown table row, so results paste into READMEs unchanged.
 */
export interface BenchResult {
  name: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
}

export function bench(name: string, fn: () => unknown, { runs = 30, warmup = 5 } = {}): BenchResult {
  for (let i = 0; i < warmup; i += 1) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
  return { name, runs, medianMs: at(0.5), p95Ms: at(0.95) };
}

export function printTable(results: readonly BenchResult[]): void {
  const lines = ['| case | runs | median ms | p95 ms |', '|---|---:|---:|---:|'];
  for (const r of results)
    lines.push(`| ${r.name} | ${r.runs} | ${r.medianMs.toFixed(3)} | ${r.p95Ms.toFixed(3)} |`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
