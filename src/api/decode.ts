// Request messages → validated commands. Every refusal names the exact field (with its path inside
// a SubmitBatch) and is thrown as a RejectionError, which api/status.ts maps to INVALID_ARGUMENT.

import type {
  AdjustCommand,
  EarnCommand,
  GetAccountQuery,
  LineItem,
  ListEntriesQuery,
  RedeemCommand,
  ReverseCommand,
  WriteCommand,
} from '../actor/commands.js';
import { reject } from '../actor/rejections.js';
import { RejectionError } from './status.js';
import type {
  AdjustRequestMsg,
  CommandMsg,
  EarnRequestMsg,
  GetAccountRequestMsg,
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
  'CNY', 'HKD', 'MOP', 'TWD', 'USD', 'EUR', 'GBP', 'JPY', 'KRW', 'SGD', 'MYR', 'THB', 'AUD', 'CAD', 'CHF', 'NZD',
]);

const ID = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,128}$/;

export function decodeEarn(m: EarnRequestMsg, time: TimeBounds, at = ''): EarnCommand {
  return {
    kind: 'earn',
    ...keyed(m, at),
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
    default:
      throw invalid(at, 'must set one of earn, redeem, reverse, adjust');
  }
}

export function decodeBatchSize(commands: CommandMsg[]): void {
  if (commands.length === 0) throw invalid('commands', 'must not be empty');
  if (commands.length > MAX_BATCH_COMMANDS) throw invalid('commands', `must hold at most ${MAX_BATCH_COMMANDS} commands`);
}

export function decodeTenant(tenantId: string): string {
  return id(tenantId, 'tenant_id');
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

function member(m: { tenant_id: string; member_id: string }, at: string) {
  return { tenantId: id(m.tenant_id, `${at}tenant_id`), memberId: id(m.member_id, `${at}member_id`) };
}

function keyed(m: { tenant_id: string; member_id: string; idempotency_key: string }, at: string) {
  return { ...member(m, at), idempotencyKey: printable(m.idempotency_key, `${at}idempotency_key`) };
}

function id(value: string, field: string): string {
  if (!value) throw invalid(field, 'is required');
  if (!ID.test(value)) throw invalid(field, 'must be 1-128 characters of letters, digits and _ . @ + - (starting with a letter or digit)');
  return value;
}

function printable(value: string, field: string): string {
  if (!value) throw invalid(field, 'is required');
  if (!PRINTABLE_ASCII.test(value)) throw invalid(field, 'must be 1-128 printable ASCII characters');
  return value;
}

function requiredText(value: string, field: string, max: number): string {
  if (!value) throw invalid(field, 'is required');
  return optionalText(value, field, max);
}

function optionalText(value: string, field: string, max: number): string {
  if (value.length > max) throw invalid(field, `must be at most ${max} characters`);
  return value;
}

function currency(value: string, field: string): string {
  if (!value) throw invalid(field, 'is required');
  if (!CURRENCIES.has(value)) throw invalid(field, `is not a known currency: ${JSON.stringify(value)}`);
  return value;
}

function safeInt(value: number, field: string): number {
  if (!Number.isInteger(value)) throw invalid(field, 'must be an integer');
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER) throw invalid(field, `must be within ±${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
  return value;
}

function nonNegativeInt(value: number, field: string): number {
  if (safeInt(value, field) < 0) throw invalid(field, 'must not be negative');
  return value;
}

function positiveInt(value: number, field: string): number {
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

/** 0 means "not given": the engine then uses its own clock, and a retry without it still matches. */
function occurredAt(ts: Timestamp | null, time: TimeBounds, field: string): number {
  if (!ts) return 0;
  if (!Number.isInteger(ts.seconds) || !Number.isInteger(ts.nanos) || ts.nanos < 0 || ts.nanos > 999_999_999) {
    throw invalid(field, 'is not a valid timestamp');
  }
  const ms = ts.seconds * 1000 + Math.floor(ts.nanos / 1_000_000);
  if (ms > time.now + time.maxFutureSkewMs) throw invalid(field, `is more than ${time.maxFutureSkewMs} ms in the future`);
  if (ms < time.now - time.maxLatenessMs) throw invalid(field, `is older than the lateness window (${time.maxLatenessMs} ms)`);
  return ms;
}

function invalid(field: string, problem: string): RejectionError {
  return new RejectionError(reject.invalidField(field, problem));
}
