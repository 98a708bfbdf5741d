// The commands a member actor decides on, after the API has validated and normalised them.
// Plain data only: they cross the thread boundary to the shard worker by structured clone.

import type { Reward } from '../rules/rewards.js';
import type { ListFlaggedQuery, ReviewCommand, ReviewQueueCommand } from './risk/review-commands.js';
import type { RiskContext } from './risk/risk-context.js';

export interface LineItem {
  sku: string;
  category: string;
  amountMinor: number;
  quantity: number;
}

interface Addressed {
  tenantId: string;
  memberId: string;
}

interface Keyed extends Addressed {
  idempotencyKey: string;
  /** Anti-abuse context of the request (device, IP, payment fingerprint), when it carried any. */
  risk?: RiskContext;
}

export interface EarnCommand extends Keyed {
  kind: 'earn';
  orderId: string;
  amountMinor: number;
  currency: string;
  items: LineItem[];
  channel: string;
  storeId: string;
  /** When the purchase happened, epoch ms (already bounded against the server clock). */
  occurredAt: number;
}

export interface RedeemCommand extends Keyed {
  kind: 'redeem';
  points: number;
  reason: string;
  orderId: string;
}

export interface ReverseCommand extends Keyed {
  kind: 'reverse';
  orderId: string;
  /** Refunded part of the order; 0 means whatever of the order is not yet refunded. */
  amountMinor: number;
  reason: string;
}

export interface AdjustCommand extends Keyed {
  kind: 'adjust';
  points: number;
  reason: string;
  operator: string;
}

export interface EnrollCommand extends Keyed {
  kind: 'enroll';
  birthday: { month: number; day: number } | undefined;
  /** Member id of the referrer in the same tenant, '' for none. */
  referrerMemberId: string;
  channel: string;
  occurredAt: number;
}

export interface ActivityCommand extends Keyed {
  kind: 'activity';
  /** check_in, profile_completed, share, review, survey, follow, or a name the program defines. */
  activity: string;
  /** What the activity was about (the reviewed order, the shared product); '' when none. */
  targetId: string;
  occurredAt: number;
}

/** 积分抵现 at checkout: set points aside for an order until it is paid (capture) or cancelled (release). */
export interface HoldCommand extends Keyed {
  kind: 'hold';
  points: number;
  /** How long the hold lasts before it releases by itself (ms). */
  ttlMs: number;
  orderId: string;
  /** The order's amount (minor units) when given: the points may pay at most the program's share of it. */
  orderAmountMinor: number;
}

export interface CaptureHoldCommand extends Keyed {
  kind: 'capture';
  holdId: string;
  /** Points to spend from the hold; 0 = all of it. The rest returns to the member. */
  points: number;
}

export interface ReleaseHoldCommand extends Keyed {
  kind: 'release';
  holdId: string;
}

export type TransferKind = 'member' | 'donation' | 'partner';

/** 转赠 to another member, 积分捐赠 to the tenant's charity account, or 跨界兑换 to a partner. */
export interface TransferCommand extends Keyed {
  kind: 'transfer';
  transferKind: TransferKind;
  /** member: the receiving member; donation: filled from the program's charity account; partner: ''. */
  toMemberId: string;
  points: number;
  /** partner only: which partner, and the partner's reference for the conversion. */
  partnerId: string;
  partnerReference: string;
  reason: string;
}

/** Sent by the engine: the receiving side of a transfer, applied once (key `§transfer:<transfer id>`). */
export interface TransferInCommand extends Keyed {
  kind: 'transferIn';
  transferId: string;
  fromMemberId: string;
  points: number;
  transferKind: TransferKind;
}

/**
 * Sent by the engine, never by clients: the referrer's reward once the member it referred placed a
 * first qualifying order. Key `§referral:<referred member>`, so redelivery applies it once.
 */
export interface ReferralRewardCommand extends Keyed {
  kind: 'referral';
  referredMemberId: string;
}

/**
 * Written by the engine's scheduler, never by clients: expire the lots due by `dueBy`, and review
 * the tier when its validity has ended. Keys are derived from the due instant, so a rerun after a
 * crash is an idempotent retry.
 */
export interface HousekeepCommand extends Keyed {
  kind: 'housekeep';
}

/** Where a physical reward goes. */
export interface Shipping {
  name: string;
  phone: string;
  address: string;
}

/**
 * First step of a redemption or lottery draw (a saga), decided by the reward's stock actor
 * (member id stockActorOf(reward)): checks the sale window and the per-member limit, sets units
 * aside (a lottery picks its prize with drawValue) and owes the buyer its RedeemRewardCommand.
 * Key `§redeem:<buyer>:<client key>`. The reward is the catalog's current definition; it is not
 * part of the fingerprint, so a retry after a catalog change is still a retry.
 */
export interface ReserveStockCommand extends Keyed {
  kind: 'reserveStock';
  reward: Reward;
  buyerId: string;
  quantity: number;
  /** The buyer's own idempotency key: its redemption entry is written under it. */
  clientKey: string;
  shipping: Shipping | undefined;
  /** Lottery only: uniform in [0, DRAW_RANGE), derived from a ledger secret and the request. */
  drawValue: number;
}

/** Second step, on the buyer: pay for the units set aside; the redemption order is born here. */
export interface RedeemRewardCommand extends Keyed {
  kind: 'redeemReward';
  redemptionId: string;
  reward: Reward;
  quantity: number;
  /** '' for a reward; the prize id a lottery draw won. */
  unit: string;
  drawValue: number;
  shipping: Shipping | undefined;
  /** The per-member limit period the units counted in (given back on reject or cancel). */
  periodKey: string;
}

/** Last step, on the stock actor: the units set aside are sold, or return to stock. Key `§settle:<id>`. */
export interface SettleReservationCommand extends Keyed {
  kind: 'settleReservation';
  redemptionId: string;
  /** Empty when sold; the buyer's refusal otherwise. */
  refusal: { kind: string; message: string } | undefined;
  memberEntryId: string;
}

/** A rejected or cancelled redemption's units go back on sale. Key `§restock:<id>`. */
export interface RestockCommand extends Keyed {
  kind: 'restock';
  redemptionId: string;
  buyerId: string;
  unit: string;
  quantity: number;
  /** The per-member limit period the units counted in. */
  periodKey: string;
}

export type RedemptionAction = 'approve' | 'fulfil' | 'reject' | 'cancel';

/** An operator moves a redemption order on (or the member cancels it); reject and cancel return the points. */
export interface UpdateRedemptionCommand extends Keyed {
  kind: 'updateRedemption';
  redemptionId: string;
  action: RedemptionAction;
  operator: string;
  reason: string;
  trackingNumber: string;
}

/**
 * 原有积分导入: one lot carried over from a legacy system, with its own expiry (and optionally the
 * member's tier). Key `§import:<batch id>:<row key>` (importKeyOf), so re-running a batch is a retry.
 */
export interface ImportLotCommand extends Keyed {
  kind: 'importLot';
  batchId: string;
  /** Identifies the row within the batch (the file's line number, or the file's own row id). */
  rowKey: string;
  points: number;
  /** When the legacy system awarded the points, epoch ms. */
  earnedAt: number;
  /** The lot's last valid millisecond; 0 = by the program's expiry rule from earnedAt. */
  expiresAt: number;
  /** Tier level id to give the member; '' = leave the tier alone. */
  tier: string;
  /** Decide against the member's state and answer, but apply and write nothing (not in the fingerprint). */
  dryRun: boolean;
}

export function importKeyOf(batchId: string, rowKey: string): string {
  return engineKey(`import:${batchId}:${rowKey}`);
}

/**
 * Idempotency key of a command the engine sends itself. Client keys are printable ASCII, so the
 * '§' prefix keeps the two namespaces apart: no client key can collide with (and block) one of these.
 */
export function engineKey(name: string): string {
  return `\u00a7${name}`;
}

export type WriteCommand =
  | EarnCommand
  | RedeemCommand
  | ReverseCommand
  | AdjustCommand
  | EnrollCommand
  | ActivityCommand
  | HousekeepCommand
  | ReferralRewardCommand
  | HoldCommand
  | CaptureHoldCommand
  | ReleaseHoldCommand
  | TransferCommand
  | TransferInCommand
  | ReserveStockCommand
  | RedeemRewardCommand
  | SettleReservationCommand
  | RestockCommand
  | UpdateRedemptionCommand
  | ImportLotCommand
  | ReviewCommand
  | ReviewQueueCommand;

export interface GetAccountQuery extends Addressed {
  kind: 'getAccount';
  /** Set when the front found no trusted cached account: the shard writes it back after answering. */
  refillCache?: boolean;
}

export interface ListEntriesQuery extends Addressed {
  kind: 'listEntries';
  afterSeq: number;
  limit: number;
}

/** How many points an order may use at checkout, and what they are worth. */
export interface QuoteRedemptionQuery extends Addressed {
  kind: 'quote';
  orderAmountMinor: number;
}

/** A stock actor's units sold and set aside, and one reservation's outcome when asked. */
export interface StockQuery extends Addressed {
  kind: 'stock';
  redemptionId: string;
}

/** A member's redemption orders, newest first. */
export interface ListRedemptionsQuery extends Addressed {
  kind: 'redemptions';
}

/**
 * 积分审计 of one member: its entries replayed against the ledger's invariants, the engine's state and
 * the cache's copy (answered after the batch's commit, like listEntries).
 */
export interface AuditMemberQuery extends Addressed {
  kind: 'auditMember';
  /** How long after a lot or hold lapses housekeeping may take to write its entry. */
  graceMs: number;
  /** Rewrite a cache copy found stale or different from the ledger. */
  repairCache: boolean;
}

export type Query =
  | GetAccountQuery
  | ListEntriesQuery
  | QuoteRedemptionQuery
  | StockQuery
  | ListRedemptionsQuery
  | ListFlaggedQuery
  | AuditMemberQuery;

/** One unit of work for a shard: a write or a read of one member. */
export type ShardOp = WriteCommand | Query;

export function isWrite(op: ShardOp): op is WriteCommand {
  return (
    op.kind !== 'getAccount' &&
    op.kind !== 'listEntries' &&
    op.kind !== 'quote' &&
    op.kind !== 'stock' &&
    op.kind !== 'redemptions' &&
    op.kind !== 'listFlagged' &&
    op.kind !== 'auditMember'
  );
}
