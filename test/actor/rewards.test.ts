// The points mall's decisions without threads or sockets: a reward's stock actor (reserve, settle,
// restock; limits and sale windows), the buyer's payment and order review, lottery prizes from draw
// values, and the property that no interleaving of buyers, refusals and returns oversells a reward.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type RedeemRewardCommand,
  type ReserveStockCommand,
  type SettleReservationCommand,
  type UpdateRedemptionCommand,
  type WriteCommand,
  engineKey,
} from '../../src/actor/commands.js';
import { decide } from '../../src/actor/decide.js';
import type { LedgerEntry } from '../../src/actor/entries.js';
import { payloadFingerprint } from '../../src/actor/fingerprint.js';
import { type MemberState, applyEntry, emptyState } from '../../src/actor/state.js';
import { reservationOutcome, unitsLeft } from '../../src/actor/stock.js';
import { DRAW_RANGE, type Reward, couponCodeOf, limitPeriodKey, prizeFor, stockActorOf } from '../../src/rules/rewards.js';
import { CHINA_TIERS, programFixture } from '../rules/program-fixture.js';

const TENANT = 'acme';
const PROGRAM = programFixture({ tiers: { metric: 'spend', window: 'rolling_12_months', validityMonths: 12, levels: CHINA_TIERS } });
const NOW = Date.parse('2026-11-11T04:00:00Z'); // noon in Shanghai, a Wednesday

function rewardOf(o: Partial<Reward> = {}): Reward {
  return {
    tenantId: TENANT,
    rewardId: 'cup',
    name: 'Cup',
    kind: 'coupon',
    points: 100,
    tierPoints: {},
    stock: 3,
    perMemberLimit: 0,
    limitPeriod: 'ever',
    minTier: '',
    minBalance: 0,
    availableFrom: 0,
    availableUntil: 0,
    requiresReview: false,
    maxQuantity: 10,
    prizes: [],
    fallbackPrizeId: '',
    version: 1,
    ...o,
  };
}

/** One actor's state and ledger, deciding and applying like the shard does. */
class Actor {
  readonly state: MemberState;
  readonly entries: LedgerEntry[] = [];
  constructor(memberId: string) {
    this.state = emptyState(TENANT, memberId);
  }
  attempt(cmd: WriteCommand, now = NOW) {
    const decision = decide(this.state, cmd, { now, payloadHash: payloadFingerprint(cmd), order: undefined, program: PROGRAM });
    if (decision.ok) {
      applyEntry(this.state, decision.entry);
      this.entries.push(decision.entry);
    }
    return decision;
  }
}

const reserve = (reward: Reward, buyerId: string, o: Partial<ReserveStockCommand> = {}): ReserveStockCommand => ({
  kind: 'reserveStock',
  tenantId: TENANT,
  memberId: stockActorOf(reward.rewardId),
  idempotencyKey: engineKey(`redeem:${buyerId}:k`),
  reward,
  buyerId,
  quantity: 1,
  clientKey: 'k',
  shipping: undefined,
  drawValue: 0,
  ...o,
});
const settle = (redemptionId: string, refused = false): SettleReservationCommand => ({
  kind: 'settleReservation',
  tenantId: TENANT,
  memberId: stockActorOf('cup'),
  idempotencyKey: engineKey(`settle:${redemptionId}`),
  redemptionId,
  refusal: refused ? { kind: 'InsufficientPoints', message: 'insufficient points' } : undefined,
  memberEntryId: refused ? '' : 'e',
});
const update = (memberId: string, redemptionId: string, action: UpdateRedemptionCommand['action']): UpdateRedemptionCommand => ({
  kind: 'updateRedemption',
  tenantId: TENANT,
  memberId,
  idempotencyKey: `${action}-${redemptionId}`,
  redemptionId,
  action,
  operator: 'ops',
  reason: '',
  trackingNumber: '',
});

/** A member with `points` (one ADJUST) on `tier`. */
function buyer(memberId: string, points: number, tier = ''): Actor {
  const actor = new Actor(memberId);
  actor.attempt({ kind: 'adjust', tenantId: TENANT, memberId, idempotencyKey: 'seed', points, reason: 'seed', operator: 't' });
  actor.state.tier = tier;
  return actor;
}

describe('stock actor: reserve', () => {
  const rows: [string, Partial<Reward>, Partial<ReserveStockCommand>, string | number][] = [
    ['a unit left: reserved, 2 left', {}, {}, 2],
    ['the last units', {}, { quantity: 3 }, 0],
    ['more than left', {}, { quantity: 4 }, 'SoldOut: reward cup has 3 units left, 4 requested'],
    ['no stock at all', { stock: 0 }, {}, 'SoldOut: reward cup is sold out'],
    ['before the sale', { availableFrom: NOW + 1 }, {}, `RewardNotOnSale: reward cup is on sale from ${new Date(NOW + 1).toISOString()}`],
    ['at the first ms of the sale', { availableFrom: NOW }, {}, 2],
    ['after the sale', { availableUntil: NOW - 1 }, {}, `RewardNotOnSale: reward cup was on sale until ${new Date(NOW - 1).toISOString()}`],
    [
      'over the per-member limit',
      { perMemberLimit: 2, limitPeriod: 'day' },
      { quantity: 3 },
      'RedemptionLimit: reward cup allows 2 per member per day; 0 already taken',
    ],
  ];
  it.each(rows)('%s', (_, r, o, expected) => {
    const stock = new Actor(stockActorOf('cup'));
    const d = stock.attempt(reserve(rewardOf(r), 'm1', o));
    if (typeof expected === 'string') {
      expect(d.ok ? 'accepted' : `${d.rejection.kind}: ${d.rejection.message}`).toBe(expected);
      expect(stock.state.seq).toBe(0);
    } else {
      expect(d.ok && d.entry.detail?.stock?.left).toBe(expected);
      expect(d.ok && d.followUp).toMatchObject({ kind: 'redeemReward', memberId: 'm1', idempotencyKey: 'k', redemptionId: 'cup-1' });
    }
  });

  it('the per-member limit counts units per period and gives them back when the payment is refused', () => {
    const reward = rewardOf({ stock: 10, perMemberLimit: 2, limitPeriod: 'day' });
    const stock = new Actor(stockActorOf('cup'));
    expect(stock.attempt(reserve(reward, 'm1', { idempotencyKey: 'a' })).ok).toBe(true);
    expect(stock.attempt(reserve(reward, 'm1', { idempotencyKey: 'b' })).ok).toBe(true);
    expect(stock.attempt(reserve(reward, 'm1', { idempotencyKey: 'c' })).ok).toBe(false);
    stock.attempt(settle('cup-2', true));
    expect(stock.attempt(reserve(reward, 'm1', { idempotencyKey: 'd' })).ok).toBe(true);
    // the next local day is a new period (Shanghai midnight = 16:00Z)
    expect(stock.attempt(reserve(reward, 'm1', { idempotencyKey: 'e' }), Date.parse('2026-11-11T16:00:00Z')).ok).toBe(true);
  });

  it('settling: sold counts the units, cancelled puts them back; a second settlement is refused', () => {
    const reward = rewardOf({ stock: 2 });
    const stock = new Actor(stockActorOf('cup'));
    stock.attempt(reserve(reward, 'm1', { idempotencyKey: 'a' }));
    stock.attempt(reserve(reward, 'm2', { idempotencyKey: 'b' }));
    expect(unitsLeft(stock.state, reward, '')).toBe(0);
    expect(stock.attempt(settle('cup-1')).ok).toBe(true);
    expect(stock.attempt(settle('cup-2', true)).ok).toBe(true);
    expect(unitsLeft(stock.state, reward, '')).toBe(1);
    expect(reservationOutcome(stock.state, 'cup-1')).toEqual({ state: 'sold', memberEntryId: 'e' });
    expect(reservationOutcome(stock.state, 'cup-2')).toMatchObject({ state: 'cancelled', refusal: { kind: 'InsufficientPoints' } });
    const again = stock.attempt({ ...settle('cup-1', true), idempotencyKey: 'other' });
    expect(again.ok ? '' : again.rejection.kind).toBe('ReservationNotOpen');
    expect(stock.state.stock?.sold).toEqual({ '': 1 });
    // a reward without a per-member limit keeps no per-buyer counts (they would grow with every buyer)
    expect(stock.state.stock?.buyers).toEqual({});
  });
});

describe('buyer: paying and the order', () => {
  const pay = (reward: Reward, memberId: string, o: Partial<RedeemRewardCommand> = {}): RedeemRewardCommand => ({
    kind: 'redeemReward',
    tenantId: TENANT,
    memberId,
    idempotencyKey: 'k',
    redemptionId: 'cup-1',
    reward,
    quantity: 1,
    unit: '',
    drawValue: 0,
    shipping: undefined,
    periodKey: 'ever',
    ...o,
  });
  const rows: [string, Partial<Reward>, string, number, Partial<RedeemRewardCommand>, string | number][] = [
    ['list price', {}, '', 500, { quantity: 2 }, -200],
    ['the tier’s price', { tierPoints: { gold: 80 } }, 'gold', 500, { quantity: 2 }, -160],
    ['another tier pays list', { tierPoints: { gold: 80 } }, 'silver', 500, {}, -100],
    ['not enough points', {}, '', 99, {}, 'InsufficientPoints: insufficient points: available 99, requested 100'],
    ['below the minimum tier', { minTier: 'gold' }, 'silver', 500, {}, 'RewardRefused: reward refused: cup needs tier gold or above'],
    ['at the minimum tier', { minTier: 'gold' }, 'diamond', 500, {}, -100],
    [
      'below the minimum balance',
      { minBalance: 1_000 },
      '',
      999,
      {},
      'RewardRefused: reward refused: cup needs an available balance of 1000 (have 999)',
    ],
  ];
  it.each(rows)('%s', (_, r, tier, points, o, expected) => {
    const member = buyer('m1', points, tier);
    const d = member.attempt(pay(rewardOf(r), 'm1', o));
    if (typeof expected === 'string') {
      expect(d.ok ? 'accepted' : `${d.rejection.kind}: ${d.rejection.message}`).toBe(expected);
      expect(member.state.seq).toBe(1);
    } else {
      expect(d.ok && d.entry.points).toBe(expected);
      expect(member.state.redemptions[0]).toMatchObject({ redemptionId: 'cup-1', points: -expected, state: 'FULFILLED' });
      expect(member.state.lifetimeRedeemed).toBe(-expected);
    }
  });

  it('a coupon’s code is derived from the redemption (the same on replay); review moves the order; reject returns points and owes a restock', () => {
    const member = buyer('m1', 1_000);
    const d = member.attempt(pay(rewardOf({ kind: 'physical', requiresReview: true }), 'm1'));
    expect(d.ok && d.entry.detail?.redemption?.state).toBe('PENDING_REVIEW');
    const table: [UpdateRedemptionCommand['action'], string | [string, number]][] = [
      ['fulfil', 'RedemptionState: redemption cup-1 is PENDING_REVIEW: cannot fulfil it'],
      ['approve', ['APPROVED', 0]],
      ['approve', 'RedemptionState: redemption cup-1 is APPROVED: cannot approve it'],
      ['cancel', 'RedemptionState: redemption cup-1 is APPROVED: cannot cancel it'],
      ['reject', ['REJECTED', 100]],
      ['reject', 'RedemptionState: redemption cup-1 is REJECTED: cannot reject it'],
    ];
    for (const [action, expected] of table) {
      const u = member.attempt({ ...update('m1', 'cup-1', action), idempotencyKey: `${action}-${member.state.seq}` });
      if (typeof expected === 'string') expect(u.ok ? 'accepted' : `${u.rejection.kind}: ${u.rejection.message}`).toBe(expected);
      else {
        expect(u.ok && [u.entry.detail?.redemption?.state, u.entry.points]).toEqual(expected);
        if (expected[0] === 'REJECTED') {
          expect(u.ok && u.followUp).toMatchObject({ kind: 'restock', memberId: stockActorOf('cup'), redemptionId: 'cup-1', quantity: 1 });
        }
      }
    }
    expect(member.state.balance).toBe(1_000);
    expect(member.state.lifetimeRedeemed).toBe(0);
    expect(couponCodeOf(TENANT, 'cup-1')).toBe(couponCodeOf(TENANT, 'cup-1'));
    expect(couponCodeOf(TENANT, 'cup-1')).not.toBe(couponCodeOf(TENANT, 'cup-2'));
  });
});

describe('lottery prizes', () => {
  const lottery = rewardOf({
    kind: 'lottery',
    prizes: [
      { prizeId: 'tv', name: 'TV', kind: 'physical', weight: 1, stock: 1, points: 0 },
      { prizeId: 'p10', name: '10 points', kind: 'points', weight: 9, stock: 100, points: 10 },
      { prizeId: 'none', name: '谢谢参与', kind: 'none', weight: 90, stock: 0, points: 0 },
    ],
    fallbackPrizeId: 'none',
  });
  const rows: [number, number, string][] = [
    [0, 1, 'tv'],
    [DRAW_RANGE / 100 - 1, 1, 'tv'],
    [DRAW_RANGE / 100, 1, 'p10'],
    [DRAW_RANGE / 10 - 1, 1, 'p10'],
    [DRAW_RANGE / 10, 1, 'none'],
    [DRAW_RANGE - 1, 1, 'none'],
    [0, 0, 'none'], // the TV is gone: the fallback
  ];
  it.each(rows)('draw value %i with %i TV left wins %s', (value, tvLeft, prize) => {
    expect(prizeFor(lottery, value, (p) => (p.prizeId === 'tv' ? tvLeft : 100)).prizeId).toBe(prize);
  });

  it('limit periods follow the tenant’s local calendar', () => {
    const rows: [string, string, string][] = [
      ['day', '2026-11-11T15:59:59Z', '2026-11-11'],
      ['day', '2026-11-11T16:00:00Z', '2026-11-12'],
      ['week', '2026-11-11T04:00:00Z', 'w2026-11-09'],
      ['week', '2026-11-15T15:59:59Z', 'w2026-11-09'],
      ['week', '2026-11-15T16:00:00Z', 'w2026-11-16'],
      ['month', '2026-11-30T16:00:00Z', '2026-12'],
      ['year', '2026-12-31T16:00:00Z', '2027'],
      ['ever', '2026-12-31T16:00:00Z', 'ever'],
    ];
    for (const [period, at, key] of rows)
      expect(limitPeriodKey(period as Reward['limitPeriod'], Date.parse(at), 'Asia/Shanghai'), `${period} ${at}`).toBe(key);
  });
});

describe('no interleaving oversells', () => {
  it('reservations, refusals, settlements and restocks in any order: sold + reserved + left = stock, sold = paid − returned', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('reserve' as const), buyer: fc.nat(5), quantity: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ op: fc.constant('settle' as const), pick: fc.nat(), refused: fc.boolean() }),
      fc.record({ op: fc.constant('restock' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.array(step, { maxLength: 60 }), (supply, steps) => {
        const reward = rewardOf({ stock: supply, maxQuantity: 3 });
        const stock = new Actor(stockActorOf('cup'));
        let paid = 0;
        let returned = 0;
        const sold: { id: string; buyer: string; quantity: number }[] = [];
        steps.forEach((s, i) => {
          if (s.op === 'reserve') {
            stock.attempt(reserve(reward, `m${s.buyer}`, { quantity: s.quantity, idempotencyKey: `r${i}` }));
          } else if (s.op === 'settle') {
            const open = Object.keys(stock.state.stock?.open ?? {});
            if (open.length === 0) return;
            const id = open[s.pick % open.length];
            const r = stock.state.stock?.open[id];
            if (stock.attempt(settle(id, s.refused)).ok && !s.refused && r) {
              paid += r.quantity;
              sold.push({ id, buyer: r.buyerId, quantity: r.quantity });
            }
          } else if (sold.length > 0) {
            const [back] = sold.splice(s.pick % sold.length, 1);
            const cmd: WriteCommand = {
              kind: 'restock',
              tenantId: TENANT,
              memberId: stockActorOf('cup'),
              idempotencyKey: `restock-${back.id}`,
              redemptionId: back.id,
              buyerId: back.buyer,
              unit: '',
              quantity: back.quantity,
              periodKey: 'ever',
            };
            if (stock.attempt(cmd).ok) returned += back.quantity;
          }
          const st = stock.state.stock;
          const soldUnits = st?.sold[''] ?? 0;
          const reservedUnits = st?.reserved[''] ?? 0;
          expect(soldUnits).toBe(paid - returned);
          expect(soldUnits + reservedUnits + unitsLeft(stock.state, reward, '')).toBe(supply);
          expect(unitsLeft(stock.state, reward, '')).toBeGreaterThanOrEqual(0);
        });
        // replaying the stock actor's ledger rebuilds the same units
        const replayed = emptyState(TENANT, stockActorOf('cup'));
        for (const e of stock.entries) applyEntry(replayed, e);
        expect(replayed).toEqual(stock.state);
      }),
      { numRuns: 300 },
    );
  });
});
