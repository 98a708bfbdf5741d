// The shapes proto-loader hands us (keepCase, longs as Number, enums as String, oneofs as a field naming the case).

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface LineItemMsg {
  sku: string;
  category: string;
  amount_minor: number;
  quantity: number;
}

export interface EarnRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  order_id: string;
  amount_minor: number;
  currency: string;
  items: LineItemMsg[];
  channel: string;
  store_id: string;
  occurred_at: Timestamp | null;
}

export interface EnrollRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  birthday: { month: number; day: number } | null;
  referrer_member_id: string;
  channel: string;
  occurred_at: Timestamp | null;
}

export interface RecordActivityRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  activity: string;
  target_id: string;
  occurred_at: Timestamp | null;
}

export interface HoldRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  points: number;
  ttl_seconds: number;
  order_id: string;
  order_amount_minor: number;
}

export interface CaptureHoldRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  hold_id: string;
  points: number;
}

export interface ReleaseHoldRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  hold_id: string;
}

export interface TransferRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  kind: string;
  to_member_id: string;
  points: number;
  partner_id: string;
  partner_reference: string;
  reason: string;
}

export interface QuoteRedemptionRequestMsg {
  tenant_id: string;
  member_id: string;
  order_amount_minor: number;
}

export interface RedeemRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  points: number;
  reason: string;
  order_id: string;
}

export interface ReverseRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  order_id: string;
  amount_minor: number;
  reason: string;
}

export interface AdjustRequestMsg {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  points: number;
  reason: string;
  operator: string;
}

export interface GetAccountRequestMsg {
  tenant_id: string;
  member_id: string;
}

export interface ListEntriesRequestMsg {
  tenant_id: string;
  member_id: string;
  page_size: number;
  page_token: string;
}

export interface CommandMsg {
  command?: 'earn' | 'redeem' | 'reverse' | 'adjust' | 'enroll' | 'activity' | 'hold' | 'capture' | 'release' | 'transfer';
  earn?: EarnRequestMsg | null;
  redeem?: RedeemRequestMsg | null;
  reverse?: ReverseRequestMsg | null;
  adjust?: AdjustRequestMsg | null;
  enroll?: EnrollRequestMsg | null;
  activity?: RecordActivityRequestMsg | null;
  hold?: HoldRequestMsg | null;
  capture?: CaptureHoldRequestMsg | null;
  release?: ReleaseHoldRequestMsg | null;
  transfer?: TransferRequestMsg | null;
}

export interface SubmitBatchRequestMsg {
  commands: CommandMsg[];
}

export function timestampOf(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}
