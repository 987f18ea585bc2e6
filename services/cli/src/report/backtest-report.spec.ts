import { event, input, metrics, policy, result, weekdays } from '../testing/backtest-result.builder';
import {
  UnembeddableScriptError,
  embedJson,
  embedScript,
  escapeHtml,
  renderBacktestReport,
} from './backtest-report';
import { type ReportData } from './report-data';

const ECHARTS_STUB = '/* echarts stub */ window.echarts = {};';
const dates = weekdays('2015-01-05', 60);

function render(
  policies = [policy('hold', dates), policy('quarterly', dates)],
  config = input([{ name: 'hold', rebalance: false }, { name: 'quarterly' }]),
  overrides: Parameters<typeof result>[1] = {},
): string {
  return renderBacktestReport(result(policies, overrides), config, { echartsSource: ECHARTS_STUB });
}

/** The JSON of `<script type="application/json" id="report-data">`, parsed back. */
function embeddedData(html: string): ReportData {
  const match = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  if (match === null) throw new Error('no report-data element');
  return JSON.parse(match[1] as string) as ReportData;
}

function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('renderBacktestReport', () => {
  it('is one HTML document: header, one comparison row per policy, every chart container, the events', () => {
    const html = render();
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<dd id="household">test-household</dd>');
    expect(html).toContain('<dd id="days">60</dd>');
    expect(html).toContain('<dd id="symbols">AAA BBB</dd>');
    expect(html).toContain('2015-01-05 to 2015-03-27');
    const comparison = section(html, 'comparison');
    expect(comparison.match(/<tbody>[\s\S]*<\/tbody>/)?.[0].match(/<tr>/g)).toHaveLength(2);
    for (const id of ['chart-value', 'chart-drawdown', 'chart-weights', 'chart-drift', 'chart-turnover']) {
      expect(html).toContain(`<div class="chart`);
      expect(html).toMatch(new RegExp(`<div class="chart[^"]*" id="${id}"></div>`));
    }
    expect(html).toContain('<input type="checkbox" id="log-scale">');
    expect(html.match(/<option value="\d+">/g)).toHaveLength(2);
    expect(section(html, 'events').match(/<details class="events">/g)).toHaveLength(2);
  });

  it('shows the same cells as the command line table', () => {
    const html = render(
      [
        policy('hold', dates, undefined, {
          metrics: metrics({
            finalValue: 123_456.7,
            cagr: 0.0712,
            maxDrawdown: { depth: -0.2345, peak: null, trough: '2015-02-02', recovery: null },
          }),
        }),
      ],
      input([{ name: 'hold' }]),
    );
    const row = /<tbody>\s*<tr>(.*?)<\/tr>/.exec(section(html, 'comparison'))?.[1] ?? '';
    const cells = [...row.matchAll(/<td class="\w+">(.*?)<\/td>/g)].map((m) => m[1]);
    expect(cells.slice(0, 6)).toEqual(['hold', '123,457', '7.12%', '10.00%', '0.50', '-23.45% (2015-02-02)']);
  });

  it('notes prices-only data, and only then', () => {
    expect(render()).toContain('prices only: no dividends or splits');
    expect(render(undefined, undefined, { pricesOnly: false })).not.toContain('prices only');
  });

  it('escapes every name in the markup and in the embedded data', () => {
    const evil = '</script><img src=x onerror="alert(1)"> & <!-- \u2028';
    const html = render(
      [policy(evil, dates, undefined, { events: [event({ triggers: ['<b>band</b>'] })] })],
      input([{ name: evil }], {
        household: {
          id: 'h<1>',
          accounts: [{ id: 'taxable', type: 'taxable', cash: '1000.00', lots: [] }],
          targets: { AAA: 0.6, BBB: 0.4 },
        },
      }),
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>band</b>');
    expect(html).not.toContain('<!-- ');
    expect(html).toContain('&#60;/script&#62;&#60;img src=x onerror=&#34;alert(1)&#34;&#62; &#38; &#60;!--');
    expect(html).toContain('<dd id="household">h&#60;1&#62;</dd>');
    // Three script elements: the data, ECharts, the report's script; nothing closes one early.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(embeddedData(html).policies[0]?.name).toBe(evil);
  });

  it('has no network reference: no URL, no link, no src attribute, no font or stylesheet import', () => {
    const html = render();
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(html).not.toMatch(/<link|<iframe|<img|\ssrc=|\shref=|@import|@font-face|url\(/i);
  });

  it('inlines ECharts and embeds the chart data', () => {
    const html = render();
    expect(html).toContain(`<script>${ECHARTS_STUB}</script>`);
    const data = embeddedData(html);
    expect(data.sampling).toBe('daily');
    expect(data.dates).toEqual(dates);
    expect(data.symbols).toEqual(['AAA', 'BBB']);
    expect(data.policies.map((p) => p.name)).toEqual(['hold', 'quarterly']);
    expect(data.policies[0]?.value[59]).toBeCloseTo(100_590, 2);
    expect(data.policies[0]?.weights['AAA']?.[0]).toBe(0.594);
    expect(data.policies[0]?.cash[0]).toBeCloseTo(0.01, 6);
  });

  it('draws tax per year and adds the tax columns when the result carries them, and says so when not', () => {
    const withoutTax = render();
    expect(withoutTax).toContain('This result carries no tax per year.');
    expect(withoutTax).not.toContain('id="chart-tax"');
    expect(withoutTax).not.toContain('tax paid');

    const taxed = policy('taxed', dates, undefined, {
      metrics: metrics({ taxesPaid: 1234.5, afterTaxValue: 108_000 }),
      taxByYear: [{ year: 2015, taxPaid: '1234.50', realizedGains: '5000' }],
    });
    const html = render([taxed, policy('hold', dates)], input([{ name: 'taxed' }, { name: 'hold' }]));
    expect(html).toContain('<div class="chart short" id="chart-tax"></div>');
    expect(html).toContain('<th class="right">tax paid</th><th class="right">after-tax value</th>');
    expect(html).toMatch(/<td class="right">1,235<\/td><td class="right">108,000<\/td>/);
    const data = embeddedData(html);
    expect(data.hasTaxByYear).toBe(true);
    expect(data.policies.map((p) => p.taxByYear)).toEqual([[1234.5], null]);
  });

  it('reads the tax of a year from `tax` too, and sums a year given twice', () => {
    const taxed = policy('taxed', dates, undefined, {
      taxByYear: [
        { year: 2015, tax: 100.25, realizedShortTerm: 0, paidOn: null },
        { year: '2015', tax: -20 },
      ],
    });
    const data = embeddedData(render([taxed], input([{ name: 'taxed' }])));
    expect(data.policies[0]?.taxByYear).toEqual([80.25]);
  });
});

describe('inlining', () => {
  it('escapes the HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });

  it('writes JSON that parses back to the same value and holds no < > &', () => {
    const value = { name: '</script><!-- & \u2028\u2029 >' };
    const json = embedJson(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('keeps a script from closing its element, and refuses "<!--"', () => {
    expect(embedScript('var s = "</script>"; var t = "</SCRIPT>";')).toBe(
      'var s = "<\\/script>"; var t = "<\\/SCRIPT>";',
    );
    expect(() => embedScript('var s = "<!--";')).toThrow(UnembeddableScriptError);
  });
});
