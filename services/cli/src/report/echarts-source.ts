import { readFile } from 'node:fs/promises';

/**
 * The minified ECharts bundle (`echarts/dist/echarts.min.js`, about 1 MB), read at run time from the
 * installed package so the report carries the very version the workspace depends on.
 */
export async function readEchartsSource(): Promise<string> {
  return readFile(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
}
