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
  command?: 'earn' | 'redeem' | 'reverse' | 'adjust';
  earn?: EarnRequestMsg | null;
  redeem?: RedeemRequestMsg | null;
  reverse?: ReverseRequestMsg | null;
  adjust?: AdjustRequestMsg | null;
}

export interface SubmitBatchRequestMsg {
  commands: CommandMsg[];
}

export function timestampOf(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}
