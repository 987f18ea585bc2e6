/**
 * The report's own script (plain ES2017, no build step): it reads the embedded JSON
 * (`#report-data`, see report-data.ts) and draws every chart with the inlined ECharts. Policies keep
 * ECharts' palette order in every policy chart, so one policy has one colour throughout. Animation
 * is off: the charts are a document, and a screenshot taken at load shows them complete.
 * Exercised by report.browser.int-spec.ts in a real Chromium.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = [];
  function pct(digits) {
    return function (v) { return v === null || v === undefined ? '-' : (v * 100).toFixed(digits) + '%'; };
  }
  function money(v) {
    return v === null || v === undefined ? '-' : Math.round(v).toLocaleString('en-US');
  }
  function chart(id) {
    var element = document.getElementById(id);
    if (element === null) return null;
    var instance = echarts.init(element, null, { renderer: 'canvas' });
    charts.push(instance);
    return instance;
  }
  function base(extra) {
    var option = {
      animation: false,
      grid: { left: 80, right: 40, top: 50, bottom: 70 },
      legend: { type: 'scroll', top: 0 },
      tooltip: { trigger: 'axis' },
    };
    for (var key in extra) option[key] = extra[key];
    return option;
  }
  var zoom = [{ type: 'inside' }, { type: 'slider', height: 20, bottom: 12 }];
  var timeAxis = { type: 'category', data: data.dates, boundaryGap: false };
  function line(name, values, extra) {
    var series = { name: name, type: 'line', showSymbol: false, data: values, lineStyle: { width: 1.5 } };
    for (var key in extra) series[key] = extra[key];
    return series;
  }

  function nice(v, round) {
    var unit = Math.pow(10, Math.floor(Math.log10(v)) - 1);
    return round(v / unit) * unit;
  }
  var value = chart('chart-value');
  function valueOption(log) {
    return base({
      dataZoom: zoom,
      xAxis: timeAxis,
      yAxis: log
        ? {
            type: 'log',
            logBase: 10,
            // The data's own range, not whole decades (a household rarely spans one), at two
            // significant digits so the end labels read as round numbers.
            min: function (extent) { return nice(extent.min * 0.95, Math.floor); },
            max: function (extent) { return nice(extent.max * 1.05, Math.ceil); },
            axisLabel: { formatter: money },
          }
        : { type: 'value', scale: true, axisLabel: { formatter: money } },
      tooltip: { trigger: 'axis', valueFormatter: money },
      series: data.policies.map(function (p) { return line(p.name, p.value); }),
    });
  }
  value.setOption(valueOption(false));
  document.getElementById('log-scale').addEventListener('change', function (event) {
    value.setOption(valueOption(event.target.checked), true);
  });

  chart('chart-drawdown').setOption(base({
    dataZoom: zoom,
    xAxis: timeAxis,
    yAxis: { type: 'value', max: 0, axisLabel: { formatter: pct(0) } },
    tooltip: { trigger: 'axis', valueFormatter: pct(2) },
    series: data.policies.map(function (p) { return line(p.name, p.drawdown, { areaStyle: { opacity: 0.08 } }); }),
  }));

  var weights = chart('chart-weights');
  var drift = chart('chart-drift');
  var select = document.getElementById('policy-select');
  function drawPolicy(index) {
    var p = data.policies[index];
    weights.setOption(base({
      dataZoom: zoom,
      xAxis: timeAxis,
      yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: pct(0) } },
      tooltip: { trigger: 'axis', valueFormatter: pct(2) },
      series: data.symbols.map(function (s) {
        return line(s, p.weights[s], { stack: 'weights', areaStyle: {}, lineStyle: { width: 0 } });
      }).concat([line('cash', p.cash, { stack: 'weights', areaStyle: {}, lineStyle: { width: 0 } })]),
    }), true);
    var drawn = {};
    drift.setOption(base({
      dataZoom: zoom,
      xAxis: timeAxis,
      yAxis: { type: 'value', axisLabel: { formatter: pct(1) } },
      tooltip: { trigger: 'axis', valueFormatter: pct(2) },
      series: data.symbols.map(function (s) {
        var band = p.bands[s];
        var extra = {};
        // One pair of dashed lines per distinct band width (with only an absolute band, one pair in all).
        if (band !== null && band > 0 && !drawn[band]) {
          drawn[band] = true;
          extra.markLine = {
            symbol: 'none',
            silent: true,
            lineStyle: { type: 'dashed' },
            label: { formatter: '±' + (band * 100).toFixed(1) + '%' },
            data: [{ yAxis: band }, { yAxis: -band }],
          };
        }
        return line(s, p.drift[s], extra);
      }),
    }), true);
    document.getElementById('band-note').textContent = data.symbols
      .map(function (s) {
        return s + ' ' + pct(1)(p.targets[s]) + (p.bands[s] === null ? ' (no band)' : ' ±' + pct(1)(p.bands[s]));
      })
      .join(', ');
  }
  select.addEventListener('change', function () { drawPolicy(Number(select.value)); });
  drawPolicy(Number(select.value));

  function bars(id, field, formatter) {
    chart(id).setOption(base({
      xAxis: { type: 'category', data: data.years },
      yAxis: { type: 'value', axisLabel: { formatter: formatter } },
      tooltip: { trigger: 'axis', valueFormatter: formatter },
      grid: { left: 80, right: 40, top: 50, bottom: 40 },
      series: data.policies.map(function (p) { return { name: p.name, type: 'bar', data: p[field] || [] }; }),
    }));
  }
  bars('chart-turnover', 'turnoverByYear', pct(1));
  if (data.hasTaxByYear) bars('chart-tax', 'taxByYear', money);

  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
`;
