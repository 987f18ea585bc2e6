// Gram kernel throughput: the WebAssembly SIMD kernel against the JavaScript one on the same data,
// in G multiply-adds per second (n(n+1)/2 · T for the symmetric product), by wall and by CPU time
// (process.cpuUsage; the machine is shared, so CPU time is the figure to compare). Benchmarks measure;
// they never assert.
import {
  centredColumnGram,
  centredGram,
  choleskySucceeds,
  householderTridiagonal,
  type GramKernelName,
} from '../src';
import { bench } from '@ballast/testing';

function data(seed: number, length: number): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(length);
  for (let k = 0; k < length; k += 1) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[k] = (s >>> 0) / 4294967296 - 0.5;
  }
  return out;
}

const cases: { n: number; rows: number; layout: 'rows' | 'columns' }[] = [
  { n: 100, rows: 200, layout: 'rows' },
  { n: 500, rows: 1000, layout: 'rows' },
  { n: 500, rows: 5040, layout: 'columns' },
  { n: 1000, rows: 2000, layout: 'rows' },
  { n: 2000, rows: 4000, layout: 'rows' },
];
const lines = [
  '| product | kernel | runs | median ms | median CPU ms | G multiply-adds/s (CPU) |',
  '|---|---|---:|---:|---:|---:|',
];
for (const { n, rows, layout } of cases) {
  const x = data(n + rows, n * rows);
  const means = new Float64Array(n);
  const columns = Array.from({ length: n }, (_, j) => x.subarray(j * rows, (j + 1) * rows));
  const work = ((n * (n + 1)) / 2) * rows;
  for (const kernel of ['wasm-simd', 'js'] as GramKernelName[]) {
    const runs = work > 2e9 ? 3 : work > 2e8 ? 5 : 20;
    const cpu: number[] = [];
    const result = bench(
      `${layout === 'rows' ? 'centredGram' : 'centredColumnGram'} n=${n} T=${rows}`,
      () => {
        const start = process.cpuUsage();
        if (layout === 'rows') centredGram(x, n, rows, means, { kernel });
        else centredColumnGram(columns, rows, means, { kernel });
        const used = process.cpuUsage(start);
        cpu.push((used.user + used.system) / 1000);
      },
      { runs, warmup: 1 },
    );
    const cpuMedian = cpu.slice(1).sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
    lines.push(
      `| ${result.name} | ${kernel} | ${runs} | ${result.medianMs.toFixed(1)} | ${cpuMedian.toFixed(1)} | ${(work / cpuMedian / 1e6).toFixed(2)} |`,
    );
  }
}
// The other two kernels on a covariance they would meet: the PSD check's Cholesky (n³/6
// multiply-adds) at the optimizer's largest size and the Householder reduction (⅔n³ flops, counted
// as n³/3 multiply-adds) at the risk report's 500 holdings.
for (const { n, what } of [
  { n: 2000, what: 'choleskySucceeds' },
  { n: 500, what: 'householderTridiagonal' },
] as const) {
  const x = data(n, n * 2 * n);
  const cov = centredGram(x, n, 2 * n, new Float64Array(n));
  const w = new Float64Array(n).fill(1 / n);
  const work = what === 'choleskySucceeds' ? n ** 3 / 6 : n ** 3 / 3;
  for (const kernel of ['wasm-simd', 'js'] as GramKernelName[]) {
    const runs = what === 'choleskySucceeds' ? 3 : 10;
    const cpu: number[] = [];
    const result = bench(
      `${what} n=${n}`,
      () => {
        const start = process.cpuUsage();
        if (what === 'choleskySucceeds') choleskySucceeds(cov, n, { kernel, diagonalShift: 1e-16 });
        else householderTridiagonal(cov, n, w, { kernel });
        const used = process.cpuUsage(start);
        cpu.push((used.user + used.system) / 1000);
      },
      { runs, warmup: 1 },
    );
    const cpuMedian = cpu.slice(1).sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
    lines.push(
      `| ${result.name} | ${kernel} | ${runs} | ${result.medianMs.toFixed(1)} | ${cpuMedian.toFixed(1)} | ${(work / cpuMedian / 1e6).toFixed(2)} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
