// The commands a member actor decides on, after the API has validated and normalised them.
// Plain data only: they cross the thread boundary to the shard worker by structured clone.

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

export type WriteCommand = EarnCommand | RedeemCommand | ReverseCommand | AdjustCommand;

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

export type Query = GetAccountQuery | ListEntriesQuery;

/** One unit of work for a shard: a write or a read of one member. */
export type ShardOp = WriteCommand | Query;

export function isWrite(op: ShardOp): op is WriteCommand {
  return op.kind === 'earn' || op.kind === 'redeem' || op.kind === 'reverse' || op.kind === 'adjust';
}
