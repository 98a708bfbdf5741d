// The tokenizer the dashboard and alert checks rely on: it must find every metric an expression
// reads and nothing else (functions, keywords, labels, numbers, durations, Grafana variables).

import { describe, expect, it } from 'vitest';
import { exportedSeriesNames, metricNamesOf } from './promql-names.js';

describe('metricNamesOf', () => {
  const rows: [string, string[]][] = [
    ['up{job="jifen"} == 0', ['up']],
    ['sum by (method, code) (rate(jifen_rpc_total{instance=~"$instance",code!="OK"}[$__rate_interval]))', ['jifen_rpc_total']],
    [
      'histogram_quantile(0.99, sum by (method, le) (rate(jifen_rpc_duration_seconds_bucket{le="0.1"}[5m])))',
      ['jifen_rpc_duration_seconds_bucket'],
    ],
    [
      'jifen:slo_errors:ratio_rate1h > (14.4 * 0.001) and jifen:slo_errors:ratio_rate5m > 1e-3',
      ['jifen:slo_errors:ratio_rate1h', 'jifen:slo_errors:ratio_rate5m'],
    ],
    ['sum by (instance, kind) (a_total unless b_total offset 15m) > 0 or on() vector(1)', ['a_total', 'b_total']],
    ['max by (tenant) (jifen_review_queue_oldest_age_seconds{tenant=~"$tenant"}) / 3600', ['jifen_review_queue_oldest_age_seconds']],
    ['count(x{a="by (nope) {still a string} \\" quoted"}) without (a) + sum(rate(y[1h:5m]))', ['x', 'y']],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable in braces, not a template
    ['rate(process_cpu_seconds_total{job="jifen"}[${__rate_interval}]) * 60', ['process_cpu_seconds_total']],
  ];
  it.each(rows)('%s reads %j', (expr, names) => {
    expect(metricNamesOf(expr).sort()).toEqual([...names].sort());
  });

  it('finds a misspelt metric, so a dashboard query reading it fails the check', () => {
    expect(metricNamesOf('sum(rate(jifen_rpc_totl[5m]))')).toEqual(['jifen_rpc_totl']);
  });
});

describe('exportedSeriesNames', () => {
  it('names every family and the _bucket, _sum and _count series of histograms and summaries', () => {
    const text = [
      '# HELP a_total A.',
      '# TYPE a_total counter',
      'a_total 1',
      '# TYPE h_seconds histogram',
      'h_seconds_bucket{le="+Inf"} 1',
      '# TYPE s summary',
    ].join('\n');
    expect([...exportedSeriesNames(text)].sort()).toEqual(
      ['a_total', 'h_seconds', 'h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum', 's', 's_count', 's_sum'].sort(),
    );
  });
});
