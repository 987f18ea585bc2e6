import { type BacktestInput, type BacktestResult, type RebalanceEvent } from '@ballast/domain-backtest';
import { parsePortfolioFile } from '@ballast/domain-portfolio';
import { comparisonTable, money } from './comparison-table';
import { type ReportData, reportData } from './report-data';
import { REPORT_SCRIPT } from './report-script';

export interface ReportOptions {
  /** The contents of `echarts/dist/echarts.min.js` (see `readEchartsSource`), inlined so the file opens offline. */
  readonly echartsSource: string;
}

/** An inlined script that cannot be embedded safely in an HTML `<script>` element. */
export class UnembeddableScriptError extends Error {
  override readonly name = 'UnembeddableScriptError';
}

/**
 * The HTML report of a backtest: one self-contained file that opens offline (ECharts and the data
 * inlined, no network reference, no web font). A pure function of the result, its configuration (for
 * the household's targets and each policy's bands) and the ECharts bundle.
 *
 * The data travels as JSON in a `<script type="application/json">` element with `<`, `>`, `&`,
 * U+2028 and U+2029 escaped as `\uXXXX`, so no string in it (a policy name such as `</script>`)
 * can end the element or be read as markup; every text in the markup is HTML-escaped.
 *
 * @throws UnembeddableScriptError when the ECharts source holds `<!--` (it would change how the
 *   HTML parser finds the end of the script; the bundle shipped today has none).
 */
export function renderBacktestReport(
  result: BacktestResult,
  input: BacktestInput,
  options: ReportOptions,
): string {
  const data = reportData(result, input);
  const household = parsePortfolioFile(input.household).id;
  const table = comparisonTable(result);
  const best = [...result.policies]
    .filter((policy) => policy.metrics.sharpe !== null)
    .sort((a, b) => (b.metrics.sharpe ?? 0) - (a.metrics.sharpe ?? 0))[0];
  const title = `Ballast backtest: ${household}, ${result.from} to ${result.to}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ballast">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<dl class="facts">
<dt>household</dt><dd id="household">${escapeHtml(household)}</dd>
<dt>dates</dt><dd>${escapeHtml(result.from)} to ${escapeHtml(result.to)}</dd>
<dt>trading days</dt><dd id="days">${result.days}</dd>
<dt>symbols</dt><dd id="symbols">${escapeHtml(result.symbols.join(' '))}</dd>
<dt>charts</dt><dd>${escapeHtml(samplingNote(data))}</dd>
</dl>
${result.pricesOnly ? '<p class="note" id="prices-only">prices only: no dividends or splits</p>\n' : ''}</header>
<main>
<section id="comparison">
<h2>Comparison</h2>
<div class="scroll"><table class="comparison">
<thead><tr>${table.headers.map((header, i) => `<th class="${table.align[i] ?? 'left'}">${escapeHtml(header)}</th>`).join('')}</tr></thead>
<tbody>
${table.rows.map((row) => `<tr>${row.map((cell, i) => `<td class="${table.align[i] ?? 'left'}">${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table></div>
${best === undefined ? '' : `<p>Highest Sharpe ratio: <strong>${escapeHtml(best.name)}</strong> (${(best.metrics.sharpe ?? 0).toFixed(2)}). Tracking error is against the target mix rebalanced daily without costs; "out of band" is the share of days a holding sat outside the policy's own bands.</p>`}
</section>
<section id="value">
<h2>Value</h2>
<p class="controls"><label><input type="checkbox" id="log-scale"> log scale</label></p>
<div class="chart" id="chart-value"></div>
</section>
<section id="drawdown">
<h2>Drawdown</h2>
<p class="hint">Of the time-weighted value (cash flows taken out), as in the table's max drawdown.</p>
<div class="chart" id="chart-drawdown"></div>
</section>
<section id="weights">
<h2>Weights and drift</h2>
<p class="controls"><label>policy <select id="policy-select">
${result.policies.map((policy, i) => `<option value="${i}">${escapeHtml(policy.name)}</option>`).join('\n')}
</select></label></p>
<div class="chart" id="chart-weights"></div>
<p class="hint">Drift: each symbol's weight minus its target; dashed lines are the policy's bands. Targets and bands: <span id="band-note"></span></p>
<div class="chart" id="chart-drift"></div>
</section>
<section id="turnover">
<h2>Turnover per year</h2>
<p class="hint">One-way: traded value / 2 / the year's average value (first and last years are partial).</p>
<div class="chart short" id="chart-turnover"></div>
</section>
<section id="tax">
<h2>Tax per year</h2>
${data.hasTaxByYear ? '<div class="chart short" id="chart-tax"></div>' : '<p class="hint" id="no-tax">This result carries no tax per year.</p>'}
</section>
<section id="events">
<h2>Events</h2>
<p class="hint">Each rebalance or cash-flow decision: decided at a close, filled at the next close or open (or the same close), as the configuration's fill says.</p>
${result.policies.map((policy) => eventsTable(policy.name, policy.events)).join('\n')}
</section>
</main>
<footer><p>Generated by Ballast. Charts drawn with Apache ECharts (Apache License 2.0), inlined in this file.</p></footer>
<noscript><p class="note">The charts need JavaScript; the tables above do not.</p></noscript>
<script type="application/json" id="report-data">${embedJson(data)}</script>
<script>${embedScript(options.echartsSource)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

function samplingNote(data: ReportData): string {
  const count = data.dates.length;
  return data.sampling === 'daily'
    ? `every trading day (${count} points)`
    : `${data.sampling} points (${count}): each period's last close; drawdown and drift keep its extreme day`;
}

function eventsTable(name: string, events: readonly RebalanceEvent[]): string {
  const rows = events.map(
    (event) =>
      `<tr><td>${escapeHtml(event.date)}</td><td>${escapeHtml(event.filledOn)}</td><td class="left">${escapeHtml(event.triggers.join(', '))}</td>` +
      `<td>${event.orders}</td><td>${escapeHtml(money(event.traded))}</td><td>${escapeHtml(event.costs.toFixed(2))}</td><td>${event.partialFills}</td></tr>`,
  );
  return `<details class="events">
<summary>${escapeHtml(name)}: ${events.length} ${events.length === 1 ? 'event' : 'events'}</summary>
<div class="scroll"><table class="events">
<thead><tr><th>date</th><th>filled on</th><th class="left">triggers</th><th>orders</th><th>traded</th><th>costs</th><th>partial fills</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
</details>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside `<script type="application/json">`: nothing in it can close the element or open a comment. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A script's source inside `<script>`: `</script` would end the element early, so it becomes
 * `<\/script` (the same string in a JavaScript string, template or regular expression, where alone
 * it can appear). `<!--` cannot be rewritten safely in every JavaScript context, so it is refused.
 */
export function embedScript(source: string): string {
  if (source.includes('<!--')) {
    throw new UnembeddableScriptError('the script holds "<!--", which cannot be inlined in HTML safely');
  }
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0; color: #1f2933; background: #fff; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
h1 { font-size: 1.5rem; margin: 24px 0 12px; }
h2 { font-size: 1.2rem; margin: 32px 0 8px; border-bottom: 1px solid #d9e2ec; padding-bottom: 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 12px; }
dl.facts dt { color: #52606d; }
dl.facts dd { margin: 0; }
.note { background: #fff4e5; border-left: 4px solid #f0a020; padding: 8px 12px; margin: 8px 0; }
.hint { color: #52606d; font-size: 0.9rem; margin: 4px 0; }
.controls { margin: 4px 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e4e7eb; white-space: nowrap; text-align: right; }
th.left, td.left { text-align: left; }
thead th { background: #f5f7fa; }
.chart { width: 100%; height: 420px; }
.chart.short { height: 320px; }
details.events { margin: 8px 0; }
details.events summary { cursor: pointer; }
footer { color: #7b8794; font-size: 0.8rem; margin-top: 32px; padding-bottom: 24px; }
`;
