// The review queue's decisions: approving a held earn makes its points available (or pending until
// the return window ends), rejecting removes them and closes the order for refunds; the queue actor
// lists open flags and forgets resolved ones, whatever order the two arrive in.

import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/actor/decide.js';
import type { QueuedFlag } from '../../src/actor/risk/member-risk.js';
import {
  type ListFlaggedQuery,
  REVIEW_QUEUE_MEMBER,
  type ReviewCommand,
  type ReviewQueueCommand,
} from '../../src/actor/risk/review-commands.js';
import { listFlaggedOf } from '../../src/actor/risk/review.js';
import { adjustCmd, earnCmd, redeemCmd, reverseCmd } from '../actor/member-fixtures.js';
import { Actor, NOW, TENANT, programOf } from './risk-fixtures.js';

const DAY = 86_400_000;
const HELD = { review: { order_amount: { max_minor: 100_000 } } };

function review(decision: 'approve' | 'reject', flagSeq: number, o: Partial<ReviewCommand> = {}): ReviewCommand {
  return {
    kind: 'review',
    tenantId: TENANT,
    memberId: 'm-1',
    idempotencyKey: `${decision}-${flagSeq}`,
    flagSeq,
    decision,
    operator: 'ops@acme',
    reason: 'checked the order',
    orderId: 'big',
    ...o,
  };
}

/** A member with 500 points available and an order of 2,000 yuan held for review (2,000 points). */
function heldMember(extra: Record<string, unknown> = {}): Actor {
  const actor = new Actor(programOf({ ...HELD, ...extra }));
  actor.accept(adjustCmd(500), NOW);
  const held = actor.accept(earnCmd({ orderId: 'big', idempotencyKey: 'big', amountMinor: 200_000 }), NOW);
  expect(held.detail?.risk?.flag?.rule).toBe('amount_limit');
  return actor;
}

function rejectionKind(d: Decision): string {
  return d.ok ? 'ok' : d.rejection.kind;
}

describe('ApproveFlagged / RejectFlagged at the member', () => {
  it('approve: the held points become available; the entry carries operator and reason', () => {
    const actor = heldMember();
    expect([actor.available(NOW), actor.pending(NOW)]).toEqual([500, 2_000]);
    const d = actor.attempt(review('approve', 2), NOW + 1_000);
    expect(d.ok && { type: d.entry.type, points: d.entry.points, operator: d.entry.operator, reason: d.entry.reason }).toEqual({
      type: 'review',
      points: 0,
      operator: 'ops@acme',
      reason: 'review approved: checked the order',
    });
    expect(d.ok && d.followUp).toMatchObject({
      kind: 'reviewQueue',
      memberId: REVIEW_QUEUE_MEMBER,
      change: { op: 'remove', flagId: 'acme:m-1:2' },
    });
    expect([actor.available(NOW + 1_000), actor.pending(NOW + 1_000), actor.state.balance]).toEqual([2_500, 0, 2_500]);
    expect(actor.state.risk?.flags).toEqual([]);
  });

  it('approve inside the return window: the pending part waits for its day, the rest is available', () => {
    const actor = heldMember({ pending_days: 7 });
    actor.accept(review('approve', 2), NOW + 1_000);
    expect([actor.available(NOW + 1_000), actor.pending(NOW + 1_000)]).toEqual([500, 2_000]);
    expect(actor.available(NOW + 8 * DAY)).toBe(2_500);
  });

  it('reject: the held points leave, the order counts as refunded, a later Reverse cannot take them again', () => {
    const actor = heldMember();
    const d = actor.attempt(review('reject', 2), NOW + 1_000);
    expect(d.ok && d.entry.points).toBe(-2_000);
    expect([actor.available(NOW + 1_000), actor.pending(NOW + 1_000), actor.state.balance]).toEqual([500, 0, 500]);
    expect(actor.orders.get('big')).toMatchObject({ refundedMinor: 200_000, reversedPoints: 2_000 });
    expect(rejectionKind(actor.attempt(reverseCmd('big', 0), NOW + 2_000))).toBe('RefundExceedsOrder');
    // The rejected order no longer counts towards the tier.
    expect(Object.values(actor.state.tierMetric).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('a refund before the review takes the held points first; the review then moves what is left', () => {
    const actor = heldMember();
    actor.accept(reverseCmd('big', 50_000), NOW + 1_000);
    expect([actor.available(NOW + 1_000), actor.pending(NOW + 1_000)]).toEqual([500, 1_500]);
    const d = actor.attempt(review('reject', 2), NOW + 2_000);
    expect(d.ok && d.entry.points).toBe(-1_500);
    expect(actor.state.balance).toBe(500);
  });

  it.each([
    { case: 'a second verdict', first: true, cmd: review('reject', 2, { idempotencyKey: 'other' }) },
    { case: 'an unknown flag', first: false, cmd: review('approve', 1) },
    { case: 'a flag of another order', first: false, cmd: review('approve', 2, { orderId: 'o-9' }) },
  ])('$case is FlagNotOpen and changes nothing', ({ first, cmd }) => {
    const actor = heldMember();
    if (first) actor.accept(review('approve', 2), NOW);
    const before = structuredClone(actor.state);
    expect(rejectionKind(actor.attempt(cmd, NOW + 1_000))).toBe('FlagNotOpen');
    expect(actor.state).toEqual(before);
  });

  it('held points cannot be spent before the review', () => {
    const actor = heldMember();
    expect(rejectionKind(actor.attempt(redeemCmd(600), NOW))).toBe('InsufficientPoints');
  });

  it('the state with flags, approvals and rejections is rebuilt from the ledger alone', () => {
    const actor = heldMember();
    actor.accept(earnCmd({ orderId: 'big2', idempotencyKey: 'big2', amountMinor: 300_000 }), NOW);
    actor.accept(review('approve', 2), NOW + 1);
    actor.accept(review('reject', 3, { orderId: 'big2' }), NOW + 2);
    expect(actor.replayed()).toEqual(actor.state);
  });
});

describe("the tenant's review queue", () => {
  const flag = (n: number, o: Partial<QueuedFlag> = {}): QueuedFlag => ({
    flagId: `acme:m-${n}:1`,
    memberId: `m-${n}`,
    rule: n % 2 === 0 ? 'amount_limit' : 'device_members',
    message: '',
    points: 100 * n,
    amountMinor: 0,
    orderId: `o-${n}`,
    entryType: 'earn',
    flaggedAt: NOW + n * 1_000,
    queueSeq: 0,
    ...o,
  });
  const change = (c: ReviewQueueCommand['change'], key: string): ReviewQueueCommand => ({
    kind: 'reviewQueue',
    tenantId: TENANT,
    memberId: REVIEW_QUEUE_MEMBER,
    idempotencyKey: key,
    change: c,
  });
  const query = (o: Partial<ListFlaggedQuery> = {}): ListFlaggedQuery => ({
    kind: 'listFlagged',
    tenantId: TENANT,
    memberId: REVIEW_QUEUE_MEMBER,
    rule: '',
    from: 0,
    to: 0,
    flagId: '',
    afterSeq: 0,
    limit: 100,
    ...o,
  });

  function queueWith(...n: number[]): Actor {
    const queue = new Actor(programOf({}), REVIEW_QUEUE_MEMBER);
    for (const i of n) queue.accept(change({ op: 'add', flag: flag(i) }, `add-${i}`), NOW);
    return queue;
  }
  const ids = (page: { flags: QueuedFlag[] }) => page.flags.map((f) => f.memberId);

  it.each([
    { case: 'all, oldest first', q: {}, members: ['m-1', 'm-2', 'm-3', 'm-4'] },
    { case: 'one rule', q: { rule: 'amount_limit' }, members: ['m-2', 'm-4'] },
    { case: 'a time window [from, to)', q: { from: NOW + 2_000, to: NOW + 4_000 }, members: ['m-2', 'm-3'] },
    { case: 'one flag', q: { flagId: 'acme:m-3:1' }, members: ['m-3'] },
  ])('lists $case', ({ q, members }) => {
    expect(ids(listFlaggedOf(queueWith(1, 2, 3, 4).state, query(q)))).toEqual(members);
  });

  it('pages by queue position', () => {
    const state = queueWith(1, 2, 3).state;
    const first = listFlaggedOf(state, query({ limit: 2 }));
    expect([ids(first), first.nextAfterSeq]).toEqual([['m-1', 'm-2'], 2]);
    const second = listFlaggedOf(state, query({ limit: 2, afterSeq: first.nextAfterSeq }));
    expect([ids(second), second.nextAfterSeq]).toEqual([['m-3'], 0]);
  });

  it('forgets a resolved flag, also when the resolution arrives first', () => {
    const queue = queueWith(1, 2);
    queue.accept(change({ op: 'remove', flagId: 'acme:m-1:1', decision: 'approve' }, 'rm-1'), NOW);
    queue.accept(change({ op: 'remove', flagId: 'acme:m-3:1', decision: 'reject' }, 'rm-3'), NOW);
    queue.accept(change({ op: 'add', flag: flag(3) }, 'add-3'), NOW);
    expect(ids(listFlaggedOf(queue.state, query()))).toEqual(['m-2']);
    expect(queue.replayed()).toEqual(queue.state);
  });

  it('an empty queue (no actor yet) lists nothing', () => {
    expect(listFlaggedOf(new Actor(programOf({}), REVIEW_QUEUE_MEMBER).state, query())).toEqual({ flags: [], nextAfterSeq: 0 });
  });
});
