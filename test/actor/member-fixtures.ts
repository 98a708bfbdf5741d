// Builders shared by the actor and engine tests: commands with sensible defaults, and member
// states built the only legitimate way, by folding ledger entries through applyEntry.

import type {
  ActivityCommand,
  AdjustCommand,
  EarnCommand,
  EnrollCommand,
  HoldCommand,
  HousekeepCommand,
  RedeemCommand,
  ReverseCommand,
  WriteCommand,
} from '../../src/actor/commands.js';
import { type Decision, decide } from '../../src/actor/decide.js';
import { type EntryType, type LedgerEntry, NEVER_EXPIRES, type OrderRecord } from '../../src/actor/entries.js';
import { payloadFingerprint } from '../../src/actor/fingerprint.js';
import { type MemberState, applyEntry, emptyState } from '../../src/actor/state.js';
import type { Program } from '../../src/rules/program/program.js';

export const TENANT = 'acme';
export const MEMBER = 'm-1';

type Who = { tenantId?: string; memberId?: string };

export function earnCmd(o: Partial<EarnCommand> & Who = {}): EarnCommand {
  return {
    kind: 'earn',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `earn-${o.orderId ?? 'o-1'}`,
    orderId: 'o-1',
    amountMinor: 12_345,
    currency: 'CNY',
    items: [],
    channel: 'app',
    storeId: 's-1',
    occurredAt: 0,
    ...o,
  };
}

export function redeemCmd(points: number, o: Partial<RedeemCommand> = {}): RedeemCommand {
  return {
    kind: 'redeem',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `redeem-${points}`,
    points,
    reason: 'gift',
    orderId: '',
    ...o,
  };
}

export function reverseCmd(orderId: string, amountMinor: number, o: Partial<ReverseCommand> = {}): ReverseCommand {
  return {
    kind: 'reverse',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `reverse-${orderId}-${amountMinor}`,
    orderId,
    amountMinor,
    reason: 'refund',
    ...o,
  };
}

/** A hold of `points` for order o-1, 15 minutes; its key names points and order, so holds for two orders differ. */
export function holdCmd(points: number, o: Partial<HoldCommand> = {}): HoldCommand {
  return {
    kind: 'hold',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `hold-${points}-${o.orderId ?? 'o-1'}`,
    points,
    ttlMs: 15 * 60_000,
    orderId: 'o-1',
    orderAmountMinor: 0,
    ...o,
  };
}

export function adjustCmd(points: number, o: Partial<AdjustCommand> = {}): AdjustCommand {
  return {
    kind: 'adjust',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `adjust-${points}`,
    points,
    reason: 'goodwill',
    operator: 'ops@acme',
    ...o,
  };
}

export function enrollCmd(o: Partial<EnrollCommand> = {}): EnrollCommand {
  return {
    kind: 'enroll',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: 'enroll',
    birthday: undefined,
    referrerMemberId: '',
    channel: 'app',
    occurredAt: 0,
    ...o,
  };
}

export function activityCmd(activity: string, o: Partial<ActivityCommand> = {}): ActivityCommand {
  return {
    kind: 'activity',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `activity-${activity}-${o.targetId ?? ''}-${o.occurredAt ?? 0}`,
    activity,
    targetId: '',
    occurredAt: 0,
    ...o,
  };
}

export function housekeepCmd(o: Partial<HousekeepCommand> = {}): HousekeepCommand {
  return { kind: 'housekeep', tenantId: TENANT, memberId: MEMBER, idempotencyKey: 'housekeep', ...o };
}

/**
 * One member's actor without the shard: decides each command at its `now` under one program,
 * applies what is accepted and keeps the entries and order records, as the shard does.
 */
export class MemberTimeline {
  readonly state: MemberState;
  readonly entries: LedgerEntry[] = [];
  readonly orders = new Map<string, OrderRecord>();

  constructor(
    readonly program: Program,
    tenantId = TENANT,
    memberId = MEMBER,
  ) {
    this.state = emptyState(tenantId, memberId);
  }

  /** Decides `cmd` at `now`; an accepted command is applied. */
  attempt(cmd: WriteCommand, now: number): Decision {
    const orderId = cmd.kind === 'earn' || cmd.kind === 'reverse' ? cmd.orderId : undefined;
    const order = orderId === undefined ? undefined : this.orders.get(orderId);
    const decision = decide(this.state, cmd, { now, payloadHash: payloadFingerprint(cmd), order, program: this.program });
    if (!decision.ok) return decision;
    applyEntry(this.state, decision.entry);
    this.entries.push(decision.entry);
    if (decision.order && orderId !== undefined) this.orders.set(orderId, decision.order);
    return decision;
  }

  /** Like attempt, for commands the test needs accepted: a rejection fails the test. */
  accept(cmd: WriteCommand, now: number): LedgerEntry {
    const decision = this.attempt(cmd, now);
    if (!decision.ok) {
      const { kind, message } = decision.rejection;
      throw new Error(`${cmd.kind} at ${new Date(now).toISOString()} refused: ${kind}: ${message}`);
    }
    return decision.entry;
  }
}

/** One past entry of a member's history: its type, signed points and (for earns) lot expiry. */
export interface Past {
  type: EntryType;
  points: number;
  expiresAt?: number;
}

export const earned = (points: number, expiresAt = NEVER_EXPIRES): Past => ({ type: 'earn', points, expiresAt });
export const redeemed = (points: number): Past => ({ type: 'redeem', points: -points });
export const reversed = (points: number): Past => ({ type: 'reverse', points: -points });

/** The state after folding the given history from emptyState; seq and balance_after follow from it. */
export function stateAfter(history: Past[], tenantId = TENANT, memberId = MEMBER): MemberState {
  const state = emptyState(tenantId, memberId);
  for (const past of history) applyEntry(state, entryAfter(state, past));
  return state;
}

/** The next entry of a member given its current state. */
export function entryAfter(state: MemberState, past: Past): LedgerEntry {
  return {
    tenantId: state.tenantId,
    memberId: state.memberId,
    seq: state.seq + 1,
    type: past.type,
    points: past.points,
    balanceAfter: state.balance + past.points,
    idempotencyKey: `k-${state.seq + 1}`,
    orderId: '',
    reason: '',
    operator: '',
    amountMinor: 0,
    createdAt: 1_700_000_000_000,
    expiresAt: past.expiresAt ?? NEVER_EXPIRES,
    payloadHash: '0000000000000000',
  };
}

export function orderRecord(amountMinor: number, points: number, refundedMinor = 0, reversedPoints = 0): OrderRecord {
  return { tenantId: TENANT, memberId: MEMBER, orderId: 'o-1', amountMinor, points, refundedMinor, reversedPoints };
}
