// deploy/prometheus/alerts.yml, checked by promtool: the rules load, the unit tests in
// alerts.test.yml pass, every alert has a severity and a runbook section that exists, every alert
// has a case where it fires and one where it must stay quiet, and each alert's test fails when the
// alert can never fire (so no alert test passes by expecting nothing).

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../support/engine-process.js';
import { promtool, promtoolOnPath } from './promtool.js';

const RULES_DIR = join(REPO_ROOT, 'deploy/prometheus');
const SEVERITIES = ['page', 'warn'];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface RuleTests {
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const rules = parse(readFileSync(join(RULES_DIR, 'alerts.yml'), 'utf8')) as RuleFile;
const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
const ruleTests = parse(readFileSync(join(RULES_DIR, 'alerts.test.yml'), 'utf8')) as RuleTests;
const deployReadme = readFileSync(join(REPO_ROOT, 'deploy/README.md'), 'utf8');

describe('alert rules: labels, runbooks and test cases', () => {
  it('every alert has severity page or warn and a runbook annotation pointing at an anchor in deploy/README.md', () => {
    expect(alerts.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const a of alerts) {
      if (!SEVERITIES.includes(a.labels?.severity ?? '')) problems.push(`${a.alert}: severity ${a.labels?.severity}`);
      const anchor = /^deploy\/README\.md#([a-z0-9-]+)$/.exec(a.annotations?.runbook ?? '')?.[1];
      if (!anchor) problems.push(`${a.alert}: runbook ${a.annotations?.runbook} is not deploy/README.md#<anchor>`);
      else if (!deployReadme.includes(`<a id="${anchor}"></a>`)) problems.push(`${a.alert}: no <a id="${anchor}"></a> in deploy/README.md`);
      if (!a.annotations?.summary) problems.push(`${a.alert}: no summary`);
    }
    expect(problems).toEqual([]);
  });

  it('every alert has a test case where it fires and one where it must not', () => {
    const cases = ruleTests.tests.flatMap((t) => t.alert_rule_test ?? []);
    const problems: string[] = [];
    for (const a of alerts) {
      const mine = cases.filter((c) => c.alertname === a.alert);
      if (!mine.some((c) => (c.exp_alerts ?? []).length > 0)) problems.push(`${a.alert}: no case where it fires`);
      if (!mine.some((c) => (c.exp_alerts ?? []).length === 0)) problems.push(`${a.alert}: no case where it stays quiet`);
    }
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!promtoolOnPath())('alert rules under promtool', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'jifen-rules-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('promtool check rules accepts alerts.yml', () => {
    const run = promtool(['check', 'rules', 'alerts.yml'], { cwd: RULES_DIR });
    expect(run.code, run.output).toBe(0);
  });

  it('promtool check config accepts scrape.yml with the rules it loads', () => {
    const run = promtool(['check', 'config', 'scrape.yml'], { cwd: RULES_DIR });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('1 rule files found');
  });

  it('promtool test rules passes alerts.test.yml', () => {
    const run = promtool(['test', 'rules', 'alerts.test.yml'], { cwd: RULES_DIR });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS');
  });

  it.each(alerts.map((a) => a.alert as string))('the tests fail when %s can never fire', (name) => {
    const broken: RuleFile = structuredClone(rules);
    for (const group of broken.groups) for (const rule of group.rules) if (rule.alert === name) rule.expr = 'vector(1) < 0';
    writeFileSync(join(scratch, 'alerts.yml'), stringify(broken));
    copyFileSync(join(RULES_DIR, 'alerts.test.yml'), join(scratch, 'alerts.test.yml'));
    const run = promtool(['test', 'rules', 'alerts.test.yml'], { cwd: scratch });
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toContain(`alertname: ${name},`);
  });
});
