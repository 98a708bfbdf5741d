// The metric names a PromQL expression reads, for checking dashboards and alert rules against what
// the engine exports. A small tokenizer, not a parser: strings, label matchers, ranges and grouping
// clauses are skipped; an identifier that is not a function call, a keyword or a number is a metric.

/** Keywords, and aggregation operators (they may be followed by `by (…)` before their parenthesis). */
const KEYWORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'atan2',
  'inf',
  'nan',
]);

/** Clauses whose parenthesised list holds label names, not expressions. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

export function metricNamesOf(expr: string): string[] {
  const names = new Set<string>();
  let i = 0;
  let lastWord = '';
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') {
      i = endOfString(expr, i);
      lastWord = '';
    } else if (c === '{') {
      i = endOfString(expr, i, '}'); // label matchers: names and quoted values
    } else if (c === '[') {
      i = expr.indexOf(']', i) + 1; // a range or subquery duration
    } else if (c === '(' && LABEL_LISTS.has(lastWord)) {
      i = expr.indexOf(')', i) + 1;
      lastWord = '';
    } else if (c === '$') {
      const m = /^\$(\{[^}]*\}|\w+)/.exec(expr.slice(i)); // a Grafana variable
      i += m ? m[0].length : 1;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(0x[0-9a-f]+|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?([smhdwy]|ms)*)/i.exec(expr.slice(i));
      i += m ? m[0].length : 1;
    } else if (/[A-Za-z_:]/.test(c)) {
      const word = (/^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i)) as RegExpExecArray)[0];
      i += word.length;
      const next = expr.slice(i).trimStart()[0];
      if (!KEYWORDS.has(word.toLowerCase()) && next !== '(') names.add(word);
      lastWord = word.toLowerCase();
    } else {
      if (!/\s/.test(c)) lastWord = '';
      i++;
    }
  }
  return [...names];
}

/** Index after the string (or matcher block) opened at `start`, skipping escaped and quoted characters. */
function endOfString(expr: string, start: number, close = expr[start]): number {
  let i = start + 1;
  while (i < expr.length && expr[i] !== close) {
    if (close === '}' && (expr[i] === '"' || expr[i] === "'" || expr[i] === '`')) i = endOfString(expr, i);
    else i += expr[i] === '\\' ? 2 : 1;
  }
  return i + 1;
}

/**
 * Every series name a Prometheus text exposition offers: each family's name from its TYPE line, and
 * for histograms and summaries the _bucket, _sum and _count series.
 */
export function exportedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!m) continue;
    const [, name, type] = m;
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}
