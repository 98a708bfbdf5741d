// The `velocity` and `review` keys of a program document: every mistake named at its exact path,
// and the normalised policy (limits grouped into counters, the store's blocking limits).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { formatProgramError, formatProgramErrors, parseProgram } from '../../src/rules/program/program-schema.js';
import type { Program } from '../../src/rules/program/program.js';

const OPTIONS = { tenantId: 'acme', version: 1 };

function errorsOf(document: unknown): string[] {
  const result = parseProgram(document, OPTIONS);
  return result.ok ? [] : result.errors.map(formatProgramError);
}

function programOf(document: unknown): Program {
  const result = parseProgram(document, OPTIONS);
  if (!result.ok) throw new Error(formatProgramErrors(result.errors));
  return result.program;
}

const limit = (extra: Record<string, unknown> = {}) => ({ id: 'l', on: 'earn', per: 'device', window: 'minute', max_count: 5, ...extra });

describe('velocity and review are refused when', () => {
  it.each([
    {
      case: 'a limit has neither max_count nor max_points',
      document: { velocity: [limit({ max_count: undefined })] },
      errors: ['velocity[0] needs max_count or max_points'],
    },
    {
      case: 'an action is misspelt',
      document: { velocity: [limit({ on: 'earns' })] },
      errors: ['velocity[0].on must be one of earn, redeem, activity, transfer'],
    },
    {
      case: 'a scope is unknown',
      document: { velocity: [limit({ per: 'phone' })] },
      errors: ['velocity[0].per must be one of member, device, ip, payment, store'],
    },
    {
      case: 'a window is not minute, hour or day',
      document: { velocity: [limit({ window: 'week' })] },
      errors: ['velocity[0].window must be one of minute, hour, day'],
    },
    { case: 'max_count is 0', document: { velocity: [limit({ max_count: 0 })] }, errors: ['velocity[0].max_count must be >= 1'] },
    { case: 'a key is misspelt', document: { velocity: [limit({ max_cnt: 3 })] }, errors: ['velocity[0].max_cnt unknown key'] },
    {
      case: 'two limits share an id',
      document: { velocity: [limit(), limit({ window: 'hour' })] },
      errors: ['velocity[1].id duplicates velocity[0].id'],
    },
    {
      case: 'a redeem limit asks for review',
      document: { velocity: [limit({ on: 'redeem', action: 'review' })] },
      errors: ['velocity[0].action review is only for on: earn (other commands are refused)'],
    },
    {
      case: 'a store limit is not on earns',
      document: { velocity: [limit({ on: 'activity', per: 'store' })] },
      errors: ['velocity[0].per store is only for on: earn (only orders carry a store)'],
    },
    {
      case: 'the amount rule has no threshold',
      document: { review: { order_amount: { history: 5 } } },
      errors: ['review.order_amount needs factor or max_minor'],
    },
    {
      case: 'the amount factor is 1',
      document: { review: { order_amount: { factor: 1 } } },
      errors: ['review.order_amount.factor must be > 1'],
    },
    {
      case: 'min_history is above history',
      document: { review: { order_amount: { factor: 5, history: 3, min_history: 4 } } },
      errors: ['review.order_amount.min_history must be <= history'],
    },
    {
      case: 'history is above 20',
      document: { review: { order_amount: { factor: 5, history: 21 } } },
      errors: ['review.order_amount.history must be <= 20'],
    },
    {
      case: 'device_members has no maximum',
      document: { review: { device_members: { window: 'hour' } } },
      errors: ['review.device_members.max_members is required'],
    },
  ])('$case', ({ document, errors }) => {
    expect(errorsOf({ name: 'Acme', ...document })).toEqual(errors);
  });
});

describe('the normalised policy', () => {
  it('is absent without velocity or review (nothing is checked)', () => {
    expect(programOf({}).risk).toBeUndefined();
    expect('risk' in programOf({ velocity: [] })).toBe(false);
  });

  it('groups limits by action, scope and window, with the strictest refusing limits for the store', () => {
    const risk = programOf({
      velocity: [
        { id: 'redeem-5', on: 'redeem', per: 'device', window: 'minute', max_count: 5 },
        { id: 'redeem-3', on: 'redeem', per: 'device', window: 'minute', max_count: 3, max_points: 5000 },
        { id: 'earn-pts', on: 'earn', per: 'device', window: 'hour', max_points: 800, action: 'review' },
        { id: 'earn-cnt', on: 'earn', per: 'device', window: 'hour', max_count: 10, max_points: 900 },
        { id: 'mine', on: 'earn', per: 'member', window: 'day', max_count: 20 },
      ],
    }).risk;
    expect(risk?.shared.redeem).toEqual([expect.objectContaining({ scope: 'device', window: 'minute', blockCount: 3, blockPoints: 5000 })]);
    // An earn's points are known only after deciding, so the store checks only its count.
    expect(risk?.shared.earn).toEqual([expect.objectContaining({ scope: 'device', window: 'hour', blockCount: 10, blockPoints: 0 })]);
    expect(risk?.shared.earn[0].limits.map((l) => l.id)).toEqual(['earn-pts', 'earn-cnt']);
    expect(risk?.member.earn.map((c) => [c.scope, c.window, c.limits[0].id])).toEqual([['member', 'day', 'mine']]);
    expect(risk?.limits.map((l) => [l.id, l.index, l.outcome])).toEqual([
      ['redeem-5', 0, 'reject'],
      ['redeem-3', 1, 'reject'],
      ['earn-pts', 2, 'review'],
      ['earn-cnt', 3, 'reject'],
      ['mine', 4, 'reject'],
    ]);
  });

  it('fills the review rules in (factor in basis points, history 10, at least 3 orders, device window an hour)', () => {
    const risk = programOf({ review: { order_amount: { factor: 5.5 }, device_members: { max_members: 5 }, shared_referral: true } }).risk;
    expect(risk?.review).toEqual({
      orderAmount: { factorBp: 55_000, history: 10, minHistory: 3, maxMinor: 0 },
      deviceMembers: { maxMembers: 5, window: 'hour' },
      sharedReferral: true,
    });
  });
});

describe('deploy/programs/README.md', () => {
  it('its anti-abuse example is a valid program', () => {
    const text = readFileSync(new URL('../../deploy/programs/README.md', import.meta.url), 'utf8');
    const block = text.split('## Anti-abuse')[1].split('```yaml\n')[1].split('```')[0];
    expect(programOf(YAML.parse(block)).risk?.limits.map((l) => l.id)).toEqual([
      'device-earns',
      'card-points',
      'redeem-burst',
      'redeem-daily',
      'check-in-farm',
      'gift-out',
    ]);
  });
});
