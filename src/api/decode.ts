// Request messages → validated commands. Every refusal names the exact field (with its path inside
// a SubmitBatch) and is thrown as a RejectionError, which api/status.ts maps to INVALID_ARGUMENT.

import type {
  ActivityCommand,
  AdjustCommand,
  CaptureHoldCommand,
  HoldCommand,
  QuoteRedemptionQuery,
  ReleaseHoldCommand,
  TransferCommand,
  TransferKind,
  EarnCommand,
  EnrollCommand,
  GetAccountQuery,
  LineItem,
  ListEntriesQuery,
  RedeemCommand,
  ReverseCommand,
  WriteCommand,
} from '../actor/commands.js';
import { reject } from '../actor/rejections.js';
import { RejectionError } from './status.js';
import { riskFieldOf } from './risk-fields.js';
import type {
  AdjustRequestMsg,
  CaptureHoldRequestMsg,
  CommandMsg,
  HoldRequestMsg,
  QuoteRedemptionRequestMsg,
  ReleaseHoldRequestMsg,
  TransferRequestMsg,
  EarnRequestMsg,
  EnrollRequestMsg,
  GetAccountRequestMsg,
  RecordActivityRequestMsg,
  ListEntriesRequestMsg,
  RedeemRequestMsg,
  ReverseRequestMsg,
  Timestamp,
} from './wire.js';

export interface TimeBounds {
  now: number;
  maxFutureSkewMs: number;
  maxLatenessMs: number;
}

export const MAX_BATCH_COMMANDS = 10_000;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;

/** ISO 4217 codes accepted on orders; points are computed per minor unit of the order's currency. */
const CURRENCIES = new Set([
  'CNY',
  'HKD',
  'MOP',
  'TWD',
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'KRW',
  'SGD',
  'MYR',
  'THB',
  'AUD',
  'CAD',
  'CHF',
  'NZD',
]);

const ID = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,128}$/;

export function decodeEarn(m: EarnRequestMsg, time: TimeBounds, at = ''): EarnCommand {
  return {
    kind: 'earn',
    ...keyed(m, at),
    ...riskFieldOf(m, at),
    orderId: printable(m.order_id, `${at}order_id`),
    amountMinor: positiveInt(m.amount_minor, `${at}amount_minor`),
    currency: currency(m.currency, `${at}currency`),
    items: (m.items ?? []).map((it, i) => lineItem(it, `${at}items[${i}]`)),
    channel: optionalText(m.channel, `${at}channel`, 64),
    storeId: optionalText(m.store_id, `${at}store_id`, 64),
    occurredAt: occurredAt(m.occurred_at, time, `${at}occurred_at`),
  };
}

export function decodeRedeem(m: RedeemRequestMsg, at = ''): RedeemCommand {
  return {
    kind: 'redeem',
    ...keyed(m, at),
    ...riskFieldOf(m, at),
    points: positiveInt(m.points, `${at}points`),
    reason: optionalText(m.reason, `${at}reason`, 256),
    orderId: m.order_id ? printable(m.order_id, `${at}order_id`) : '',
  };
}

export function decodeReverse(m: ReverseRequestMsg, at = ''): ReverseCommand {
  return {
    kind: 'reverse',
    ...keyed(m, at),
    orderId: printable(m.order_id, `${at}order_id`),
    amountMinor: nonNegativeInt(m.amount_minor, `${at}amount_minor`),
    reason: optionalText(m.reason, `${at}reason`, 256),
  };
}

export function decodeAdjust(m: AdjustRequestMsg, at = ''): AdjustCommand {
  const points = safeInt(m.points, `${at}points`);
  if (points === 0) throw invalid(`${at}points`, 'must not be 0');
  return {
    kind: 'adjust',
    ...keyed(m, at),
    points,
    reason: requiredText(m.reason, `${at}reason`, 256),
    operator: requiredText(m.operator, `${at}operator`, 128),
  };
}

export function decodeEnroll(m: EnrollRequestMsg, time: TimeBounds, at = ''): EnrollCommand {
  const keys = keyed(m, at);
  const referrer = m.referrer_member_id ? id(m.referrer_member_id, `${at}referrer_member_id`) : '';
  if (referrer === keys.memberId) throw invalid(`${at}referrer_member_id`, 'must not be the member itself');
  return {
    kind: 'enroll',
    ...keys,
    ...riskFieldOf(m, at),
    birthday: m.birthday ? birthday(m.birthday, `${at}birthday`) : undefined,
    referrerMemberId: referrer,
    channel: optionalText(m.channel, `${at}channel`, 64),
    occurredAt: occurredAt(m.occurred_at, time, `${at}occurred_at`),
  };
}

const ACTIVITY = /^[a-z][a-z0-9_]{0,63}$/;

export function decodeRecordActivity(m: RecordActivityRequestMsg, time: TimeBounds, at = ''): ActivityCommand {
  if (!ACTIVITY.test(m.activity ?? '')) {
    throw invalid(`${at}activity`, 'must be a lowercase activity name (check_in, share, review …), at most 64 characters');
  }
  return {
    kind: 'activity',
    ...keyed(m, at),
    ...riskFieldOf(m, at),
    activity: m.activity,
    targetId: m.target_id ? printable(m.target_id, `${at}target_id`) : '',
    occurredAt: occurredAt(m.occurred_at, time, `${at}occurred_at`),
  };
}

/** Month 1..12 and a day that exists in that month in some year (29 February allowed). */
function birthday(b: { month: number; day: number }, field: string): { month: number; day: number } {
  if (!Number.isInteger(b.month) || b.month < 1 || b.month > 12) throw invalid(`${field}.month`, 'must be 1..12');
  const days = new Date(Date.UTC(2024, b.month, 0)).getUTCDate();
  if (!Number.isInteger(b.day) || b.day < 1 || b.day > days) throw invalid(`${field}.day`, `must be 1..${days}`);
  return { month: b.month, day: b.day };
}

/** A hold lasts 15 minutes unless the request says otherwise (the program caps it). */
const DEFAULT_HOLD_SECONDS = 900;
/** hold_id is the hold's entry id, `<tenant>:<member>:<seq>`. */
const HOLD_ID = /^[^:]+:[^:]+:[1-9][0-9]{0,14}$/;

export function decodeHold(m: HoldRequestMsg, at = ''): HoldCommand {
  const ttlSeconds = m.ttl_seconds ? positiveInt(m.ttl_seconds, `${at}ttl_seconds`) : DEFAULT_HOLD_SECONDS;
  return {
    kind: 'hold',
    ...keyed(m, at),
    ...riskFieldOf(m, at),
    points: positiveInt(m.points, `${at}points`),
    ttlMs: ttlSeconds * 1000,
    orderId: printable(m.order_id, `${at}order_id`),
    orderAmountMinor: nonNegativeInt(m.order_amount_minor ?? 0, `${at}order_amount_minor`),
  };
}

export function decodeCaptureHold(m: CaptureHoldRequestMsg, at = ''): CaptureHoldCommand {
  return {
    kind: 'capture',
    ...keyed(m, at),
    holdId: holdId(m, at),
    points: nonNegativeInt(m.points ?? 0, `${at}points`),
  };
}

export function decodeReleaseHold(m: ReleaseHoldRequestMsg, at = ''): ReleaseHoldCommand {
  return { kind: 'release', ...keyed(m, at), holdId: holdId(m, at) };
}

const TRANSFER_KINDS: Record<string, TransferKind> = {
  TRANSFER_KIND_MEMBER: 'member',
  TRANSFER_KIND_DONATION: 'donation',
  TRANSFER_KIND_PARTNER: 'partner',
};

export function decodeTransfer(m: TransferRequestMsg, at = ''): TransferCommand {
  const transferKind = TRANSFER_KINDS[m.kind];
  if (!transferKind) throw invalid(`${at}kind`, 'must be TRANSFER_KIND_MEMBER, TRANSFER_KIND_DONATION or TRANSFER_KIND_PARTNER');
  const keys = keyed(m, at);
  const toMemberId = transferKind === 'member' ? id(m.to_member_id, `${at}to_member_id`) : '';
  if (transferKind !== 'member' && m.to_member_id) throw invalid(`${at}to_member_id`, 'is only for TRANSFER_KIND_MEMBER');
  if (toMemberId === keys.memberId) throw invalid(`${at}to_member_id`, 'must not be the sender');
  const partner = transferKind === 'partner';
  return {
    kind: 'transfer',
    ...keys,
    ...riskFieldOf(m, at),
    transferKind,
    toMemberId,
    points: positiveInt(m.points, `${at}points`),
    partnerId: partner ? id(m.partner_id, `${at}partner_id`) : '',
    partnerReference: partner ? printable(m.partner_reference, `${at}partner_reference`) : '',
    reason: optionalText(m.reason, `${at}reason`, 256),
  };
}

export function decodeQuoteRedemption(m: QuoteRedemptionRequestMsg): QuoteRedemptionQuery {
  return { kind: 'quote', ...member(m, ''), orderAmountMinor: positiveInt(m.order_amount_minor, 'order_amount_minor') };
}

/** A hold belongs to the member named in the request: its id starts with that tenant and member. */
function holdId(m: { hold_id: string; tenant_id: string; member_id: string }, at: string): string {
  const value = m.hold_id ?? '';
  if (!HOLD_ID.test(value)) throw invalid(`${at}hold_id`, 'must be a hold_id returned by Hold');
  if (!value.startsWith(`${m.tenant_id}:${m.member_id}:`)) throw invalid(`${at}hold_id`, 'belongs to another member');
  return value;
}

export function decodeCommand(c: CommandMsg, time: TimeBounds, at: string): WriteCommand {
  switch (c.command) {
    case 'earn':
      return decodeEarn(c.earn as EarnRequestMsg, time, `${at}.earn.`);
    case 'redeem':
      return decodeRedeem(c.redeem as RedeemRequestMsg, `${at}.redeem.`);
    case 'reverse':
      return decodeReverse(c.reverse as ReverseRequestMsg, `${at}.reverse.`);
    case 'adjust':
      return decodeAdjust(c.adjust as AdjustRequestMsg, `${at}.adjust.`);
    case 'enroll':
      return decodeEnroll(c.enroll as EnrollRequestMsg, time, `${at}.enroll.`);
    case 'activity':
      return decodeRecordActivity(c.activity as RecordActivityRequestMsg, time, `${at}.activity.`);
    case 'hold':
      return decodeHold(c.hold as HoldRequestMsg, `${at}.hold.`);
    case 'capture':
      return decodeCaptureHold(c.capture as CaptureHoldRequestMsg, `${at}.capture.`);
    case 'release':
      return decodeReleaseHold(c.release as ReleaseHoldRequestMsg, `${at}.release.`);
    case 'transfer':
      return decodeTransfer(c.transfer as TransferRequestMsg, `${at}.transfer.`);
    default:
      throw invalid(at, 'must set one of earn, redeem, reverse, adjust, enroll, activity, hold, capture, release, transfer');
  }
}

export function decodeBatchSize(commands: CommandMsg[]): void {
  if (commands.length === 0) throw invalid('commands', 'must not be empty');
  if (commands.length > MAX_BATCH_COMMANDS) throw invalid('commands', `must hold at most ${MAX_BATCH_COMMANDS} commands`);
}

export function decodeTenant(tenantId: string): string {
  return id(tenantId, 'tenant_id');
}

export function decodeMemberId(memberId: string, field = 'member_id'): string {
  return id(memberId, field);
}

export function decodeGetAccount(m: GetAccountRequestMsg): GetAccountQuery {
  return { kind: 'getAccount', ...member(m, '') };
}

export function decodeListEntries(m: ListEntriesRequestMsg): ListEntriesQuery {
  if (m.page_size < 0) throw invalid('page_size', 'must not be negative');
  if (m.page_size > MAX_PAGE_SIZE) throw invalid('page_size', `must be at most ${MAX_PAGE_SIZE}`);
  return {
    kind: 'listEntries',
    ...member(m, ''),
    afterSeq: pageToken(m.page_token),
    limit: m.page_size === 0 ? DEFAULT_PAGE_SIZE : m.page_size,
  };
}

/** Page tokens are opaque to clients; inside they carry the last seq shown. */
export function pageTokenOf(afterSeq: number): string {
  return afterSeq === 0 ? '' : Buffer.from(`seq:${afterSeq}`).toString('base64url');
}

function pageToken(token: string): number {
  if (!token) return 0;
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString('latin1'));
  if (!match) throw invalid('page_token', 'is not a token this API returned');
  return Number(match[1]);
}

export function member(m: { tenant_id: string; member_id: string }, at: string) {
  return { tenantId: id(m.tenant_id, `${at}tenant_id`), memberId: id(m.member_id, `${at}member_id`) };
}

export function keyed(m: { tenant_id: string; member_id: string; idempotency_key: string }, at: string) {
  return { ...member(m, at), idempotencyKey: printable(m.idempotency_key, `${at}idempotency_key`) };
}

export function id(value: string, field: string): string {
  if (!value) throw invalid(field, 'is required');
  if (!ID.test(value)) throw invalid(field, 'must be 1-128 characters of letters, digits and _ . @ + - (starting with a letter or digit)');
  return value;
}

export function printable(value: string, field: string): string {
  if (!value) throw invalid(field, 'is required');
  if (!PRINTABLE_ASCII.test(value)) throw invalid(field, 'must be 1-128 printable ASCII characters');
  return value;
}

export function requiredText(value: string, field: string, max: number): string {
  if (!value) throw invalid(field, 'is required');
  return optionalText(value, field, max);
}

export function optionalText(value: string, field: string, max: number): string {
  if (value.length > max) throw invalid(field, `must be at most ${max} characters`);
  return value;
}

function currency(value: string, field: string): string {
  if (!value) throw invalid(field, 'is required');
  if (!CURRENCIES.has(value)) throw invalid(field, `is not a known currency: ${JSON.stringify(value)}`);
  return value;
}

export function safeInt(value: number, field: string): number {
  if (!Number.isInteger(value)) throw invalid(field, 'must be an integer');
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER) throw invalid(field, `must be within ±${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
  return value;
}

export function nonNegativeInt(value: number, field: string): number {
  if (safeInt(value, field) < 0) throw invalid(field, 'must not be negative');
  return value;
}

export function positiveInt(value: number, field: string): number {
  if (nonNegativeInt(value, field) === 0) throw invalid(field, 'must be greater than 0');
  return value;
}

function lineItem(it: { sku: string; category: string; amount_minor: number; quantity: number }, at: string): LineItem {
  return {
    sku: requiredText(it.sku, `${at}.sku`, 128),
    category: optionalText(it.category, `${at}.category`, 128),
    amountMinor: nonNegativeInt(it.amount_minor, `${at}.amount_minor`),
    quantity: positiveInt(it.quantity, `${at}.quantity`),
  };
}

/** Epoch ms of a Timestamp message; 0 when it is not given. */
export function timestampMs(ts: Timestamp | null | undefined, field: string): number {
  if (!ts) return 0;
  if (!Number.isInteger(ts.seconds) || !Number.isInteger(ts.nanos) || ts.nanos < 0 || ts.nanos > 999_999_999) {
    throw invalid(field, 'is not a valid timestamp');
  }
  return ts.seconds * 1000 + Math.floor(ts.nanos / 1_000_000);
}

/** 0 means "not given": the engine then uses its own clock, and a retry without it still matches. */
function occurredAt(ts: Timestamp | null, time: TimeBounds, field: string): number {
  if (!ts) return 0;
  const ms = timestampMs(ts, field);
  if (ms > time.now + time.maxFutureSkewMs) throw invalid(field, `is more than ${time.maxFutureSkewMs} ms in the future`);
  if (ms < time.now - time.maxLatenessMs) throw invalid(field, `is older than the lateness window (${time.maxLatenessMs} ms)`);
  return ms;
}

export function invalid(field: string, problem: string): RejectionError {
  return new RejectionError(reject.invalidField(field, problem));
}
