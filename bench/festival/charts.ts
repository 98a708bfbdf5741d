// The report's four charts as Vega-Lite specs (pure data → spec): offered vs achieved rate, latency
// percentiles over time, status codes over time, and the percentile spectrum per RPC. render.ts
// compiles them to SVG (for the HTML) and PNG (for the README).
import type { FestivalSummary } from './summary.js';

export type ChartName = 'rate' | 'latency' | 'statuses' | 'spectrum';
export type Spec = Record<string, unknown>;

const WIDTH = 820;
const HEIGHT = 300;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export function chartSpecs(s: FestivalSummary, earnP99LimitMs: number): Record<ChartName, Spec> {
  return { rate: rateChart(s), latency: latencyChart(s, earnP99LimitMs), statuses: statusChart(s), spectrum: spectrumChart(s) };
}

const secondsAxis = { field: 'second', type: 'quantitative', title: 'seconds from the start of the run (midnight and peak end marked)' };

/** Vertical rules at midnight and at the end of the peak, labelled. */
function phaseRules(s: FestivalSummary): Spec[] {
  const marks = [
    { second: s.midnightS, label: 'midnight' },
    { second: s.peakEndS, label: 'peak end' },
  ];
  return [
    {
      data: { values: marks },
      mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
      encoding: { x: { field: 'second', type: 'quantitative' } },
    },
    {
      data: { values: marks },
      mark: { type: 'text', align: 'left', dx: 3, dy: -4, baseline: 'bottom', color: '#555', fontSize: 11 },
      encoding: { x: { field: 'second', type: 'quantitative' }, y: { value: 12 }, text: { field: 'label' } },
    },
  ];
}

function base(title: string): Spec {
  return {
    $schema: SCHEMA,
    title: { text: title, fontSize: 15 },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    config: {
      legend: { orient: 'top', labelFontSize: 12, titleFontSize: 12, labelLimit: 0, titleLimit: 0 },
      axis: { labelFontSize: 11, titleFontSize: 12 },
    },
  };
}

const RATE_SERIES = ['scheduled by the curve', 'offered (sent, with follow-ups)', 'achieved (answered OK or refused)', 'errors'];

function rateChart(s: FestivalSummary): Spec {
  const values = s.timeline.flatMap((t) =>
    [t.scheduled, t.offered, t.achieved, t.errors].map((value, i) => ({ second: t.second, series: RATE_SERIES[i], value })),
  );
  return {
    ...base(`Offered vs achieved rate (peak ${s.peakRate} sends/s scheduled)`),
    layer: [
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.8 },
        encoding: {
          x: secondsAxis,
          y: { field: 'value', type: 'quantitative', title: 'calls per second' },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: RATE_SERIES, range: ['#aaaaaa', '#1f77b4', '#2ca02c', '#d62728'] },
          },
        },
      },
      ...phaseRules(s),
    ],
  };
}

function latencyChart(s: FestivalSummary, limitMs: number): Spec {
  const series: [string, keyof FestivalSummary['timeline'][number]][] = [
    // p99.9 first: in seconds with under 1,000 calls it equals p99, which is then drawn over it.
    ['p99.9 all calls', 'p999Ms'],
    ['p99 all calls', 'p99Ms'],
    ['p50 all calls', 'p50Ms'],
    ['p99 Earn', 'earnP99Ms'],
  ];
  const values = s.timeline.flatMap((t) =>
    series.filter(([, k]) => t[k] !== null).map(([name, k]) => ({ second: t.second, series: name, ms: t[k] })),
  );
  return {
    ...base('Latency from the intended send time, per second of schedule'),
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { size: 12 }, strokeWidth: 1.6 },
        encoding: {
          x: secondsAxis,
          y: { field: 'ms', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' } },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            sort: null,
            scale: { range: ['#d62728', '#ff7f0e', '#2ca02c', '#9467bd'] },
          },
        },
      },
      {
        data: { values: [{ ms: limitMs, label: `threshold: p99 Earn at peak <= ${limitMs} ms` }] },
        layer: [
          { mark: { type: 'rule', color: '#9467bd', strokeDash: [6, 3] }, encoding: { y: { field: 'ms', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'right', dy: -5, color: '#9467bd', fontSize: 11 },
            encoding: { y: { field: 'ms', type: 'quantitative' }, x: { value: WIDTH - 4 }, text: { field: 'label' } },
          },
        ],
      },
      ...phaseRules(s),
    ],
  };
}

/** OK green, business refusals amber, errors in reds and purples, anything else grey. */
const STATUS_COLOURS: Record<string, string> = {
  OK: '#2ca02c',
  FAILED_PRECONDITION: '#f2b134',
  ALREADY_EXISTS: '#bcbd22',
  DEADLINE_EXCEEDED: '#d62728',
  UNAVAILABLE: '#8c1c13',
  RESOURCE_EXHAUSTED: '#9467bd',
  INTERNAL: '#e377c2',
  UNKNOWN: '#7f7f7f',
};

function statusChart(s: FestivalSummary): Spec {
  const values = s.timeline.flatMap((t) => Object.entries(t.statuses).map(([status, n]) => ({ second: t.second, status, n })));
  const domain = [...new Set(values.map((v) => v.status))].sort((a, b) => (a === 'OK' ? -1 : b === 'OK' ? 1 : a.localeCompare(b)));
  return {
    ...base('gRPC status codes per second of schedule (all RPCs)'),
    layer: [
      {
        data: { values },
        mark: { type: 'bar', width: { band: 1 } },
        encoding: {
          x: { ...secondsAxis, bin: { step: 1 }, axis: { format: 'd' } },
          y: { field: 'n', type: 'quantitative', aggregate: 'sum', stack: 'zero', title: 'calls per second (by scheduled second)' },
          color: {
            field: 'status',
            type: 'nominal',
            title: 'status (FAILED_PRECONDITION: refusals such as sold out)',
            scale: { domain, range: domain.map((d) => STATUS_COLOURS[d] ?? '#bbbbbb') },
          },
        },
      },
      ...phaseRules(s),
    ],
  };
}

function spectrumChart(s: FestivalSummary): Spec {
  const values = s.spectrum.filter((p) => p.latencyMs > 0).map((p) => ({ ...p, x: 1 / (1 - p.percentile / 100) }));
  return {
    ...base('Percentile spectrum per RPC (whole run, from the intended send time)'),
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 1.6 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: 'percentile',
        scale: { type: 'log' },
        axis: {
          values: [1, 2, 10, 100, 1000, 10000, 100000],
          labelExpr: "datum.value == 1 ? 'min' : 'p' + format(100 - 100 / datum.value, '.4~f')",
        },
      },
      y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' } },
      color: { field: 'rpc', type: 'nominal', title: 'RPC', scale: { scheme: 'tableau10' } },
    },
  };
}
