// Program files in a directory and program text from the admin API: every error names the file and
// the path inside it, and a directory with any error loads nothing.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProgramDirectory, parseProgramText } from '../../src/rules/program/program-loader.js';

const EXAMPLES = join(import.meta.dirname, '../../deploy/programs');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jifen-programs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(contents: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(contents)) await writeFile(join(dir, name), text);
}

describe('deploy/programs/example.yaml', () => {
  it('loads as tenant example with its rules, campaigns, behaviours and four tiers', async () => {
    const result = await loadProgramDirectory(EXAMPLES);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.programs.map((p) => [p.file, p.tenantId])).toEqual([['example.yaml', 'example']]);
    const program = result.programs[0].program;

    expect(program.rules.map((r) => r.kind)).toEqual([
      'item_exclusion',
      'item_multiplier',
      'item_multiplier',
      'first_order',
      'order_bonus',
      'order_bonus',
    ]);
    expect(program.campaigns).toHaveLength(6);
    expect(program.behaviours.map((b) => b.activity)).toEqual([
      'sign_up',
      'profile_completed',
      'check_in',
      'share',
      'review',
      'follow',
      'survey',
    ]);
    expect(program.tiers.levels.map((l) => [l.name, l.threshold, l.multiplierBp])).toEqual([
      ['普通', 0, 10_000],
      ['银卡', 200_000, 12_000],
      ['金卡', 1_000_000, 15_000],
      ['钻石', 5_000_000, 20_000],
    ]);
    expect(program.tiers.levels.every((l) => l.retain <= l.threshold)).toBe(true);
    expect(program).toMatchObject({
      version: 1,
      timeZone: 'Asia/Shanghai',
      baseRate: { points: 1, perMinor: 100 },
      pendingDays: 7,
      caps: { perDay: 20_000 },
      expiry: { kind: 'rolling', months: 12, days: 0, noticeDays: 30 },
      referral: { referrerPoints: 500, minOrderMinor: 5000 },
    });
  });

  it('has double points on Double 11, member-day Wednesdays and a 7-day check-in streak', async () => {
    const result = await loadProgramDirectory(EXAMPLES);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const { campaigns, behaviours } = result.programs[0].program;
    const byId = new Map(campaigns.map((c) => [c.id, c]));
    expect(byId.get('double-11')).toMatchObject({
      recurrence: { kind: 'yearly', dates: [{ month: 11, day: 11 }] },
      multiplierBp: 20_000,
      stacking: 'multiply',
    });
    expect(byId.get('member-day-wednesday')).toMatchObject({
      recurrence: { kind: 'weekly', weekdays: [3] },
      multiplierBp: 15_000,
      stacking: 'best_of',
    });
    expect(byId.get('birthday-month')).toMatchObject({
      recurrence: { kind: 'birthday', scope: 'month' },
      multiplierBp: 20_000,
      stacking: 'best_of',
    });
    // 2026-02-16 .. 2026-02-23 inclusive in Shanghai: from 2026-02-15T16:00Z to 2026-02-23T16:00Z.
    expect(byId.get('spring-festival-2026')).toMatchObject({ validFrom: Date.UTC(2026, 1, 15, 16), validTo: Date.UTC(2026, 1, 23, 16) });
    expect(behaviours.find((b) => b.activity === 'check_in')).toMatchObject({ points: 5, perDay: 1, streak: { days: 7, bonusPoints: 50 } });
  });
});

describe('loadProgramDirectory', () => {
  it('reads .yaml, .yml and .json files directly in the directory, tenant from tenant_id else the file name', async () => {
    await files({
      'acme.yaml': 'name: Acme\n',
      'beta.json': '{"tenant_id": "beta-corp", "name": "Beta"}',
      'gamma.yml': 'name: Gamma\nbase_rate: {points: 2}\n',
      'notes.txt': 'not a program',
      '.acme.yaml.swp': 'editor leftovers',
      '.hidden.yaml': 'name: [',
    });
    await mkdir(join(dir, 'archive'));
    await writeFile(join(dir, 'archive', 'old.yaml'), 'name: [');

    const result = await loadProgramDirectory(dir);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.programs.map((p) => [p.file, p.tenantId, p.program.name, p.program.version])).toEqual([
      ['acme.yaml', 'acme', 'Acme', 1],
      ['beta.json', 'beta-corp', 'Beta', 1],
      ['gamma.yml', 'gamma', 'Gamma', 1],
    ]);
    expect(result.programs[2].program.baseRate.points).toBe(2);
  });

  it('names the file and the path of every error, and loads nothing when one file is broken', async () => {
    await files({
      'acme.yaml': [
        'name: Acme',
        'rules:',
        '  - {id: a, kind: first_order, bonus_points: 1}',
        '  - {id: b, kind: item_multiplier, match: {categories: [x]}, multiplier: 0}',
        '',
      ].join('\n'),
      'beta.json': '{"name": "Beta", "campaigns": [{"id": "c", "multiplier": 2, "recurrence": {"weekly": ["wed", "fri", "sundae"]}}]}',
      'good.yaml': 'name: Good\n',
    });
    expect(await loadProgramDirectory(dir)).toEqual({
      ok: false,
      errors: ['acme.yaml: rules[1].multiplier must be >= 1', 'beta.json: campaigns[0].recurrence.weekly[2] must be 1..7 or mon..sun'],
    });
  });

  it('refuses two files for the same tenant', async () => {
    await files({ 'acme.yaml': 'name: Acme\n', 'acme-new.yaml': 'tenant_id: acme\nname: Acme 2\n' });
    expect(await loadProgramDirectory(dir)).toEqual({ ok: false, errors: ['acme.yaml: tenant acme is already defined by acme-new.yaml'] });
  });

  it('refuses a YAML key given twice, with its line', async () => {
    await files({ 'acme.yaml': 'name: Acme\npending_days: 7\npending_days: 0\n' });
    expect(await loadProgramDirectory(dir)).toEqual({
      ok: false,
      errors: ['acme.yaml: document is not valid YAML at line 3, column 1: Map keys must be unique'],
    });
  });

  it('refuses a file name that is not a tenant id when the document names none', async () => {
    await files({ 'my program.yaml': 'name: Mine\n' });
    expect(await loadProgramDirectory(dir)).toEqual({
      ok: false,
      errors: ['my program.yaml: tenant_id must be 1-128 letters, digits and _ . @ + - (starting with a letter or digit)'],
    });
  });

  it('loads an empty directory as no programs and a missing one as an error', async () => {
    expect(await loadProgramDirectory(dir)).toEqual({ ok: true, programs: [] });
    const missing = join(dir, 'nowhere');
    const result = await loadProgramDirectory(missing);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0].startsWith(`${missing}: cannot be read: ENOENT`)).toBe(true);
  });
});

describe('parseProgramText', () => {
  it('parses YAML for the tenant it is given', () => {
    const result = parseProgramText('name: Acme\ncampaigns:\n  - {id: d11, multiplier: 2.0, recurrence: {yearly: ["11-11"]}}\n', 'yaml', {
      tenantId: 'acme',
      version: 3,
    });
    expect(result.ok && [result.program.tenantId, result.program.version, result.program.campaigns[0].multiplierBp]).toEqual([
      'acme',
      3,
      20_000,
    ]);
  });

  it.each([
    { case: 'a tenant_id of another tenant', text: 'tenant_id: beta\nname: B\n', format: 'yaml', error: 'tenant_id must equal acme' },
    { case: 'YAML that does not parse', text: 'name: [Acme\n', format: 'yaml', error: 'document is not valid YAML at line 2, column 1:' },
    {
      case: 'several YAML documents',
      text: 'name: A\n---\nname: B\n',
      format: 'yaml',
      error: 'document is not valid YAML at line 2, column 1: Source contains multiple documents',
    },
    { case: 'an empty YAML text', text: '', format: 'yaml', error: 'document must be an object' },
    { case: 'JSON that does not parse', text: '{"name": "Acme",', format: 'json', error: 'document is not valid JSON: ' },
    {
      case: 'a JSON key given twice',
      text: '{"name": "Acme",\n "name": "Other"}',
      format: 'json',
      error: 'document has a duplicate key at line 2, column 2',
    },
    { case: 'a JSON list', text: '[]', format: 'json', error: 'document must be an object' },
  ] as const)('refuses $case', ({ text, format, error }) => {
    const result = parseProgramText(text, format, { tenantId: 'acme', version: 1 });
    expect(result.ok).toBe(false);
    const first = result.ok ? '' : `${result.errors[0].path} ${result.errors[0].message}`;
    expect(first.slice(0, error.length)).toBe(error);
  });

  it('accepts JSON with a byte-order mark', () => {
    const result = parseProgramText('\uFEFF{"name": "Acme", "multiplier_note": 1}', 'json', { tenantId: 'acme', version: 1 });
    expect(result.ok ? [] : result.errors).toEqual([{ path: 'multiplier_note', message: 'unknown key' }]);
    expect(parseProgramText('\uFEFF{"name": "Acme"}', 'json', { tenantId: 'acme', version: 1 }).ok).toBe(true);
  });
});

describe('document limits, checked before any parser runs', () => {
  const deepJson = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const deepYamlBlock = (n: number) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
  const laughs = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from({ length: 9 }, (_, i) => {
      const prev = String.fromCharCode(97 + i);
      const name = String.fromCharCode(98 + i);
      return `${name}: &${name} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
    }),
    'name: bomb',
  ].join('\n');
  const rows: [string, string, 'json' | 'yaml', string][] = [
    ['a 100,000-deep JSON array', deepJson(100_000), 'json', 'nests deeper than 32 levels'],
    ['a 100,000-deep YAML flow sequence', deepJson(100_000), 'yaml', 'nests deeper than 32 levels'],
    ['a 40-deep YAML block mapping', deepYamlBlock(40), 'yaml', 'nests deeper than 32 levels'],
    ['a billion laughs (aliases of aliases)', laughs, 'yaml', 'aliases'],
    ['300 KiB of text', `name: x\n# ${'y'.repeat(300 * 1024)}\n`, 'yaml', 'at most 262144 are accepted'],
  ];
  for (const [what, text, format, message] of rows) {
    it(`refuses ${what} naming the limit`, () => {
      const result = parseProgramText(text, format, { tenantId: 't', version: 1 });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors).toEqual([{ path: 'document', message: expect.stringContaining(message) }]);
    });
  }

  it('accepts a document just inside the limits: 30 levels of flow nesting', () => {
    const result = parseProgramText(`name: x\nnote: ${deepJson(30)}\n`, 'yaml', { tenantId: 't', version: 1 });
    expect(result.ok ? 'ok' : result.errors.map((e) => e.message).join()).not.toContain('nests deeper');
  });
});
