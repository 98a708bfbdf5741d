// Velocity limits and review rules inside decide, one table per policy: what is allowed, refused
// (RESOURCE_EXHAUSTED's VelocityLimit, naming the limit, with a retry-after hint) or held for review;
// a refusal changes nothing; the member's windows are rebuilt from its ledger alone.

import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/actor/decide.js';
import { UNDER_REVIEW } from '../../src/actor/risk/member-risk.js';
import { REVIEW_QUEUE_MEMBER } from '../../src/actor/risk/review-commands.js';
import { activityCmd, adjustCmd, earnCmd, enrollCmd, redeemCmd } from '../actor/member-fixtures.js';
import { Actor, HOUR, MINUTE, NOW, device, holdCmd, programOf, transferCmd, unavailable, view } from './risk-fixtures.js';

function refusal(d: Decision): { kind: string; policy?: string; retryAfterMs?: number } {
  if (d.ok) throw new Error('expected a refusal');
  const { kind, policy, retryAfterMs } = d.rejection;
  return { kind, policy, retryAfterMs };
}

function flagOf(d: Decision): string | undefined {
  if (!d.ok) throw new Error(`refused: ${d.rejection.message}`);
  return d.entry.detail?.risk?.flag?.rule;
}

describe('member windows', () => {
  it('a stolen-account drain: the 4th redemption in a minute is refused until the first leaves the window', () => {
    const actor = new Actor(programOf({ velocity: [{ id: 'redeem-burst', on: 'redeem', per: 'member', window: 'minute', max_count: 3 }] }));
    actor.accept(adjustCmd(10_000), NOW);
    for (let i = 0; i < 3; i++) actor.accept(redeemCmd(100, { idempotencyKey: `r${i}` }), NOW + i * 1_000);
    const before = structuredClone(actor.state);
    const refused = actor.attempt(redeemCmd(100, { idempotencyKey: 'r3' }), NOW + 10_000);
    // The first redemption (at NOW, bucket NOW..NOW+5s) leaves the window at NOW + 65 s.
    expect(refusal(refused)).toEqual({ kind: 'VelocityLimit', policy: 'redeem-burst', retryAfterMs: 55_000 });
    expect(actor.state).toEqual(before);
    expect(actor.attempt(redeemCmd(100, { idempotencyKey: 'r3' }), NOW + 64_999).ok).toBe(false);
    expect(actor.attempt(redeemCmd(100, { idempotencyKey: 'r3' }), NOW + 65_000).ok).toBe(true);
  });

  it.each([
    {
      case: 'points of earns per hour',
      limit: { on: 'earn', max_points: 500 },
      first: earnCmd({ orderId: 'o1', idempotencyKey: 'e1', amountMinor: 30_000 }),
      second: earnCmd({ orderId: 'o2', idempotencyKey: 'e2', amountMinor: 30_000 }),
    },
    {
      case: 'activities per hour',
      limit: { on: 'activity', max_count: 1 },
      first: activityCmd('share', { idempotencyKey: 'a1' }),
      second: activityCmd('share', { idempotencyKey: 'a2' }),
    },
    {
      case: 'transfers per hour',
      limit: { on: 'transfer', max_count: 1 },
      first: transferCmd(10, { idempotencyKey: 't1' }),
      second: transferCmd(10, { idempotencyKey: 't2' }),
    },
    {
      case: 'holds count as spending',
      limit: { on: 'redeem', max_count: 1 },
      first: redeemCmd(10, { idempotencyKey: 'r1' }),
      second: holdCmd(10),
    },
    {
      case: 'spent points per hour',
      limit: { on: 'redeem', max_points: 150 },
      first: redeemCmd(100, { idempotencyKey: 'r1' }),
      second: redeemCmd(100, { idempotencyKey: 'r2' }),
    },
  ])('limit on $case: the second command is refused', ({ limit, first, second }) => {
    const actor = new Actor(
      programOf({ behaviours: [{ activity: 'share', points: 5 }], velocity: [{ id: 'lim', per: 'member', window: 'hour', ...limit }] }),
    );
    actor.accept(adjustCmd(10_000), NOW);
    actor.accept(first, NOW);
    expect(refusal(actor.attempt(second, NOW + 1_000))).toMatchObject({ kind: 'VelocityLimit', policy: 'lim' });
  });

  it('limits of other actions and other members do not interfere', () => {
    const program = programOf({ velocity: [{ id: 'redeem-1', on: 'redeem', per: 'member', window: 'day', max_count: 1 }] });
    const a = new Actor(program);
    const b = new Actor(program, 'm-2');
    a.accept(adjustCmd(1_000), NOW);
    b.accept(adjustCmd(1_000, { memberId: 'm-2' }), NOW);
    a.accept(redeemCmd(10), NOW);
    a.accept(earnCmd(), NOW);
    b.accept(redeemCmd(10, { memberId: 'm-2' }), NOW);
    expect(a.attempt(redeemCmd(10, { idempotencyKey: 'again' }), NOW).ok).toBe(false);
  });

  it('with several limits refusing, the first in the document is named and the hint waits for all', () => {
    const actor = new Actor(
      programOf({
        velocity: [
          { id: 'per-hour', on: 'redeem', per: 'member', window: 'hour', max_count: 2 },
          { id: 'per-minute', on: 'redeem', per: 'member', window: 'minute', max_count: 2 },
        ],
      }),
    );
    actor.accept(adjustCmd(1_000), NOW);
    actor.accept(redeemCmd(1, { idempotencyKey: 'a' }), NOW);
    actor.accept(redeemCmd(1, { idempotencyKey: 'b' }), NOW);
    const r = refusal(actor.attempt(redeemCmd(1, { idempotencyKey: 'c' }), NOW + 1_000));
    expect(r.policy).toBe('per-hour');
    expect(r.retryAfterMs).toBe(HOUR + 5 * MINUTE - 1_000);
  });

  it('a review limit on earns accepts the earn with its points held (pending), flagged to the queue', () => {
    const actor = new Actor(
      programOf({ velocity: [{ id: 'earn-many', on: 'earn', per: 'member', window: 'hour', max_count: 1, action: 'review' }] }),
    );
    actor.accept(earnCmd({ orderId: 'o1', idempotencyKey: 'e1', amountMinor: 10_000 }), NOW);
    const held = actor.attempt(earnCmd({ orderId: 'o2', idempotencyKey: 'e2', amountMinor: 20_000 }), NOW + 1_000);
    expect(flagOf(held)).toBe('earn-many');
    if (!held.ok) return;
    expect(held.entry.points).toBe(200);
    expect(held.entry.detail?.availableAt).toBe(UNDER_REVIEW);
    expect(held.followUp).toMatchObject({
      kind: 'reviewQueue',
      memberId: REVIEW_QUEUE_MEMBER,
      change: { op: 'add', flag: { rule: 'earn-many', points: 200, orderId: 'o2' } },
    });
    expect([actor.available(NOW + 2_000), actor.pending(NOW + 2_000)]).toEqual([100, 200]);
    expect(actor.state.risk?.flags.map((f) => [f.seq, f.points])).toEqual([[2, 200]]);
  });

  it('is rebuilt from the ledger alone: replaying the entries gives the same risk state', () => {
    const actor = new Actor(
      programOf({
        velocity: [
          { id: 'r', on: 'redeem', per: 'member', window: 'minute', max_count: 2 },
          { id: 'e', on: 'earn', per: 'member', window: 'day', max_count: 3, action: 'review' },
        ],
        review: { order_amount: { factor: 3 } },
      }),
    );
    actor.accept(adjustCmd(1_000), NOW);
    for (let i = 0; i < 5; i++)
      actor.attempt(earnCmd({ orderId: `o${i}`, idempotencyKey: `e${i}`, ...device(`d${i % 2}`) }), NOW + i * 1_000);
    for (let i = 0; i < 4; i++) actor.attempt(redeemCmd(5, { idempotencyKey: `r${i}` }), NOW + 10_000 + i * 20_000);
    expect(actor.state.risk?.devices).toEqual(['d1', 'd0']); // most recent last
    expect(actor.replayed()).toEqual(actor.state);
  });
});

describe('review rules on earns', () => {
  const AMOUNT = { review: { order_amount: { factor: 5, history: 3, min_history: 2, max_minor: 1_000_000 } } };

  it.each([
    { case: 'an order above the absolute limit, even the first', history: [], amount: 1_000_001, flag: 'amount_limit' },
    { case: 'an order far above the usual once there is history', history: [10_000, 20_000], amount: 75_001, flag: 'amount_vs_history' },
    { case: 'an order at exactly factor × the average', history: [10_000, 20_000], amount: 75_000, flag: undefined },
    { case: 'a large order without enough history', history: [10_000], amount: 900_000, flag: undefined },
    { case: 'only the last `history` orders count', history: [900_000, 10_000, 10_000, 10_000], amount: 50_001, flag: 'amount_vs_history' },
  ])('$case: $flag', ({ history, amount, flag }) => {
    const actor = new Actor(programOf(AMOUNT));
    history.forEach((a, i) => {
      actor.accept(earnCmd({ orderId: `h${i}`, idempotencyKey: `h${i}`, amountMinor: a }), NOW + i);
    });
    expect(flagOf(actor.attempt(earnCmd({ orderId: 'big', idempotencyKey: 'big', amountMinor: amount }), NOW + 100))).toBe(flag);
  });

  it('a held order does not raise the average it is compared with', () => {
    const actor = new Actor(programOf(AMOUNT));
    actor.accept(earnCmd({ orderId: 'a', idempotencyKey: 'a', amountMinor: 10_000 }), NOW);
    actor.accept(earnCmd({ orderId: 'b', idempotencyKey: 'b', amountMinor: 10_000 }), NOW);
    expect(flagOf(actor.attempt(earnCmd({ orderId: 'c', idempotencyKey: 'c', amountMinor: 60_000 }), NOW))).toBe('amount_vs_history');
    expect(actor.state.risk?.orders).toEqual([10_000, 10_000]);
  });

  it('a held first order does not qualify the referral (no reward is sent)', () => {
    const actor = new Actor(programOf({ ...AMOUNT, referral: { referrer_points: 50 } }));
    actor.accept(enrollCmd({ referrerMemberId: 'ref' }), NOW);
    const held = actor.attempt(earnCmd({ amountMinor: 2_000_000 }), NOW);
    expect(held.ok && held.followUp?.kind).toBe('reviewQueue');
    expect(held.ok && held.entry.detail?.referral).toBeUndefined();
    expect(actor.state.referralQualified).toBe(false);
  });

  it('an earn of 0 points is not held (there is nothing to hold)', () => {
    const actor = new Actor(programOf({ ...AMOUNT, min_order_minor: 2_000_000 }));
    expect(flagOf(actor.attempt(earnCmd({ amountMinor: 1_500_000 }), NOW))).toBeUndefined();
  });
});

describe('cross-member windows (the batch reservation as decide reads it)', () => {
  const SHARED = programOf({
    velocity: [
      { id: 'device-earns', on: 'earn', per: 'device', window: 'minute', max_count: 10 },
      { id: 'device-points', on: 'earn', per: 'device', window: 'hour', max_points: 1_000 },
      { id: 'ip-redeems', on: 'redeem', per: 'ip', window: 'minute', max_count: 5 },
    ],
    review: { device_members: { max_members: 3, window: 'hour' } },
  });
  const earn = earnCmd({ amountMinor: 10_000, ...device('dev-1') });

  it.each([
    {
      case: 'within every window',
      checks: [
        [3, 0],
        [3, 300],
        [2, 0],
      ],
      status: 0,
      outcome: 'allow',
    },
    {
      case: 'refused by the store on the device minute window',
      checks: [
        [10, 0],
        [10, 900],
        [0, 0],
      ],
      status: 1,
      outcome: 'reject:device-earns:4000',
    },
    {
      case: 'an earn whose points would pass the device hour limit',
      checks: [
        [3, 0],
        [3, 950],
        [2, 0],
      ],
      status: 0,
      outcome: 'reject:device-points:300000',
    },
    {
      case: 'a fourth member earning from the device',
      checks: [
        [3, 0],
        [3, 300],
        [4, 0],
      ],
      status: 0,
      outcome: 'review:device_members',
    },
  ] as { case: string; checks: [number, number][]; status: number; outcome: string }[])(
    '$case: $outcome',
    ({ checks, status, outcome }) => {
      const actor = new Actor(SHARED);
      const d = actor.attempt(earn, NOW, view(checks, status, 4_000));
      if (!d.ok) expect(`reject:${d.rejection.policy}:${d.rejection.retryAfterMs}`).toBe(outcome);
      else expect(flagOf(d) ? `review:${flagOf(d)}` : 'allow').toBe(outcome);
    },
  );

  it.each([
    { failClosed: true, outcome: 'RiskUnavailable' },
    { failClosed: false, outcome: 'allowed' },
  ])('with the store unavailable and fail-closed $failClosed: $outcome', ({ failClosed, outcome }) => {
    const actor = new Actor(SHARED);
    const d = actor.attempt(earn, NOW, unavailable(failClosed));
    expect(d.ok ? 'allowed' : d.rejection.kind).toBe(outcome);
  });

  it('member limits still apply with the store unavailable (fail open)', () => {
    const actor = new Actor(
      programOf({
        velocity: [
          { id: 'mine', on: 'earn', per: 'member', window: 'minute', max_count: 1 },
          { id: 'dev', on: 'earn', per: 'device', window: 'minute', max_count: 9 },
        ],
      }),
    );
    actor.accept(earnCmd({ orderId: 'a', idempotencyKey: 'a', ...device('x') }), NOW, unavailable(false));
    expect(refusal(actor.attempt(earnCmd({ orderId: 'b', idempotencyKey: 'b', ...device('x') }), NOW, unavailable(false))).policy).toBe(
      'mine',
    );
  });
});

describe('what a policy leaves alone', () => {
  it('a program without velocity or review: entries and state as without anti-abuse', () => {
    const actor = new Actor(programOf({ referral: { referrer_points: 5 } }));
    actor.accept(enrollCmd({ referrerMemberId: 'ref', ...device('d') }), NOW);
    const d = actor.attempt(earnCmd(device('d', 'card')), NOW);
    expect(d.ok && [d.entry.detail?.risk, d.followUp?.risk]).toEqual([undefined, undefined]);
    expect(actor.state.risk).toBeUndefined();
  });

  it('entries no member rule reads carry no marker (shared limits only)', () => {
    const actor = new Actor(programOf({ velocity: [{ id: 'dev', on: 'earn', per: 'device', window: 'minute', max_count: 5 }] }));
    const d = actor.attempt(earnCmd(), NOW);
    expect(d.ok && d.entry.detail?.risk).toBeUndefined();
    expect(actor.state.risk).toBeUndefined();
  });

  it('an earn that qualifies a referral sends the referrer its device and card (for shared_referral)', () => {
    const actor = new Actor(programOf({ referral: { referrer_points: 5 }, review: { shared_referral: true } }));
    actor.accept(enrollCmd({ referrerMemberId: 'ref' }), NOW);
    const d = actor.attempt(earnCmd(device('d', 'card')), NOW);
    expect(d.ok && d.followUp).toMatchObject({ kind: 'referral', memberId: 'ref', risk: { deviceId: 'd', paymentFingerprint: 'card' } });
  });
});

describe('a referral whose two members share a device or payment fingerprint', () => {
  const program = programOf({
    referral: { referrer_points: 500 },
    review: { shared_referral: true },
    behaviours: [{ activity: 'check_in', points: 1 }],
  });
  const reward = (o: Record<string, unknown> = {}) => ({
    kind: 'referral' as const,
    tenantId: 'acme',
    memberId: 'm-1',
    idempotencyKey: '§referral:newbie',
    referredMemberId: 'newbie',
    ...o,
  });

  it.each([
    { case: 'the referred member used the referrer device', referred: device('phone-1'), flag: 'shared_referral' },
    { case: 'the referred member paid with the referrer card', referred: device('phone-9', 'card-1'), flag: 'shared_referral' },
    { case: 'nothing shared', referred: device('phone-9', 'card-9'), flag: undefined },
    { case: 'no context on the referred order', referred: {}, flag: undefined },
  ])('$case: held $flag', ({ referred, flag }) => {
    const referrer = new Actor(program);
    referrer.accept(activityCmd('check_in', device('phone-1', 'card-1')), NOW);
    const d = referrer.attempt(reward(referred), NOW + 1_000);
    expect(flagOf(d)).toBe(flag);
    expect(referrer.available(NOW + 2_000)).toBe(flag ? 1 : 501);
  });
});
