// Request validation: every refusal is an InvalidField naming the exact field at fault (with its
// path inside a SubmitBatch), and its message starts with that field.

import { describe, expect, it } from 'vitest';
import {
  type TimeBounds,
  decodeAdjust,
  decodeBatchSize,
  decodeCaptureHold,
  decodeCommand,
  decodeEarn,
  decodeGetAccount,
  decodeHold,
  decodeListEntries,
  decodeQuoteRedemption,
  decodeRedeem,
  decodeReleaseHold,
  decodeReverse,
  decodeTransfer,
  pageTokenOf,
} from '../../src/api/decode.js';
import { RejectionError } from '../../src/api/status.js';
import type {
  AdjustRequestMsg,
  CaptureHoldRequestMsg,
  CommandMsg,
  EarnRequestMsg,
  HoldRequestMsg,
  ListEntriesRequestMsg,
  QuoteRedemptionRequestMsg,
  RedeemRequestMsg,
  ReleaseHoldRequestMsg,
  ReverseRequestMsg,
  TransferRequestMsg,
} from '../../src/api/wire.js';
import { timestampOf } from '../../src/api/wire.js';

const NOW = 1_750_000_000_000;
const time: TimeBounds = { now: NOW, maxFutureSkewMs: 60_000, maxLatenessMs: 7 * 86_400_000 };
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const who = { tenant_id: 'acme', member_id: 'm-1', idempotency_key: 'key-1' };
const earn = (o: Partial<EarnRequestMsg> = {}): EarnRequestMsg => ({
  ...who,
  order_id: 'o-1',
  amount_minor: 12_345,
  currency: 'CNY',
  items: [{ sku: 'sku-1', category: 'tea', amount_minor: 12_345, quantity: 1 }],
  channel: 'app',
  store_id: 's-1',
  occurred_at: timestampOf(NOW - 1_000),
  ...o,
});
const redeem = (o: Partial<RedeemRequestMsg> = {}): RedeemRequestMsg => ({ ...who, points: 10, reason: 'gift', order_id: '', ...o });
const reverse = (o: Partial<ReverseRequestMsg> = {}): ReverseRequestMsg => ({ ...who, order_id: 'o-1', amount_minor: 0, reason: '', ...o });
const adjust = (o: Partial<AdjustRequestMsg> = {}): AdjustRequestMsg => ({ ...who, points: 5, reason: 'goodwill', operator: 'ops', ...o });
const listing = (o: Partial<ListEntriesRequestMsg> = {}): ListEntriesRequestMsg => ({
  tenant_id: 'acme',
  member_id: 'm-1',
  page_size: 0,
  page_token: '',
  ...o,
});
const hold = (o: Partial<HoldRequestMsg> = {}): HoldRequestMsg => ({
  ...who,
  points: 500,
  ttl_seconds: 0,
  order_id: 'o-1',
  order_amount_minor: 10_000,
  ...o,
});
const capture = (o: Partial<CaptureHoldRequestMsg> = {}): CaptureHoldRequestMsg => ({ ...who, hold_id: 'acme:m-1:7', points: 0, ...o });
const release = (o: Partial<ReleaseHoldRequestMsg> = {}): ReleaseHoldRequestMsg => ({ ...who, hold_id: 'acme:m-1:7', ...o });
const quote = (o: Partial<QuoteRedemptionRequestMsg> = {}): QuoteRedemptionRequestMsg => ({
  tenant_id: 'acme',
  member_id: 'm-1',
  order_amount_minor: 10_000,
  ...o,
});
const transfer = (o: Partial<TransferRequestMsg> = {}): TransferRequestMsg => ({
  ...who,
  kind: 'TRANSFER_KIND_MEMBER',
  to_member_id: 'm-2',
  points: 100,
  partner_id: '',
  partner_reference: '',
  reason: '',
  ...o,
});
const donation = (o: Partial<TransferRequestMsg> = {}) => transfer({ kind: 'TRANSFER_KIND_DONATION', to_member_id: '', ...o });
const conversion = (o: Partial<TransferRequestMsg> = {}) =>
  transfer({ kind: 'TRANSFER_KIND_PARTNER', to_member_id: '', partner_id: 'air', partner_reference: 'AIR-1', ...o });
const item = { sku: 'sku-1', category: '', amount_minor: 100, quantity: 1 };
const command = (o: CommandMsg): CommandMsg => o;
const b64 = (text: string) => Buffer.from(text).toString('base64url');

interface Row {
  name: string;
  decode: () => unknown;
  field: string;
}

const rows: Row[] = [
  { name: 'tenant_id missing', decode: () => decodeEarn(earn({ tenant_id: '' }), time), field: 'tenant_id' },
  { name: 'member_id with a space and !', decode: () => decodeEarn(earn({ member_id: 'bad member!' }), time), field: 'member_id' },
  { name: 'member_id starting with -', decode: () => decodeRedeem(redeem({ member_id: '-m' })), field: 'member_id' },
  { name: 'member_id of 129 characters', decode: () => decodeRedeem(redeem({ member_id: 'm'.repeat(129) })), field: 'member_id' },
  { name: 'member_id missing on GetAccount', decode: () => decodeGetAccount({ tenant_id: 'acme', member_id: '' }), field: 'member_id' },
  { name: 'idempotency_key missing', decode: () => decodeAdjust(adjust({ idempotency_key: '' })), field: 'idempotency_key' },
  {
    name: 'idempotency_key of 129 characters',
    decode: () => decodeEarn(earn({ idempotency_key: 'k'.repeat(129) }), time),
    field: 'idempotency_key',
  },
  { name: 'idempotency_key with a newline', decode: () => decodeEarn(earn({ idempotency_key: 'key\n1' }), time), field: 'idempotency_key' },
  {
    name: 'idempotency_key with a non-ASCII letter',
    decode: () => decodeRedeem(redeem({ idempotency_key: 'clé' })),
    field: 'idempotency_key',
  },
  { name: 'order_id missing on Earn', decode: () => decodeEarn(earn({ order_id: '' }), time), field: 'order_id' },
  { name: 'amount_minor negative', decode: () => decodeEarn(earn({ amount_minor: -1 }), time), field: 'amount_minor' },
  { name: 'amount_minor 0', decode: () => decodeEarn(earn({ amount_minor: 0 }), time), field: 'amount_minor' },
  { name: 'amount_minor 2^53 (above 2^53−1)', decode: () => decodeEarn(earn({ amount_minor: MAX_SAFE + 1 }), time), field: 'amount_minor' },
  { name: 'amount_minor not an integer', decode: () => decodeEarn(earn({ amount_minor: 1.5 }), time), field: 'amount_minor' },
  { name: 'currency unknown', decode: () => decodeEarn(earn({ currency: 'XYZ' }), time), field: 'currency' },
  { name: 'currency in lower case', decode: () => decodeEarn(earn({ currency: 'cny' }), time), field: 'currency' },
  { name: 'currency missing', decode: () => decodeEarn(earn({ currency: '' }), time), field: 'currency' },
  {
    name: 'occurred_at beyond the allowed future skew',
    decode: () => decodeEarn(earn({ occurred_at: timestampOf(NOW + time.maxFutureSkewMs + 1_000) }), time),
    field: 'occurred_at',
  },
  {
    name: 'occurred_at older than the lateness window',
    decode: () => decodeEarn(earn({ occurred_at: timestampOf(NOW - time.maxLatenessMs - 1_000) }), time),
    field: 'occurred_at',
  },
  {
    name: 'occurred_at with nanos of a whole second',
    decode: () => decodeEarn(earn({ occurred_at: { seconds: NOW / 1_000, nanos: 1_000_000_000 } }), time),
    field: 'occurred_at',
  },
  { name: 'item quantity 0', decode: () => decodeEarn(earn({ items: [{ ...item, quantity: 0 }] }), time), field: 'items[0].quantity' },
  { name: 'second item without sku', decode: () => decodeEarn(earn({ items: [item, { ...item, sku: '' }] }), time), field: 'items[1].sku' },
  { name: 'redeem points 0', decode: () => decodeRedeem(redeem({ points: 0 })), field: 'points' },
  { name: 'reverse amount_minor negative', decode: () => decodeReverse(reverse({ amount_minor: -1 })), field: 'amount_minor' },
  { name: 'adjust points 0', decode: () => decodeAdjust(adjust({ points: 0 })), field: 'points' },
  { name: 'adjust points below −(2^53−1)', decode: () => decodeAdjust(adjust({ points: -(MAX_SAFE + 1) })), field: 'points' },
  { name: 'adjust without operator', decode: () => decodeAdjust(adjust({ operator: '' })), field: 'operator' },
  { name: 'adjust without reason', decode: () => decodeAdjust(adjust({ reason: '' })), field: 'reason' },
  { name: 'page_size above 1000', decode: () => decodeListEntries(listing({ page_size: 1_001 })), field: 'page_size' },
  { name: 'page_size negative', decode: () => decodeListEntries(listing({ page_size: -1 })), field: 'page_size' },
  { name: 'page_token of garbage', decode: () => decodeListEntries(listing({ page_token: 'garbage!!' })), field: 'page_token' },
  {
    name: 'page_token of well-formed base64 but no seq',
    decode: () => decodeListEntries(listing({ page_token: b64('seq:abc') })),
    field: 'page_token',
  },
  { name: 'batch with no commands', decode: () => decodeBatchSize([]), field: 'commands' },
  { name: 'batch of 10001 commands', decode: () => decodeBatchSize(new Array(10_001).fill({})), field: 'commands' },
  { name: 'batch command with no oneof set', decode: () => decodeCommand({}, time, 'commands[3]'), field: 'commands[3]' },
  {
    name: 'batch earn with amount 0',
    decode: () => decodeCommand(command({ command: 'earn', earn: earn({ amount_minor: 0 }) }), time, 'commands[0]'),
    field: 'commands[0].earn.amount_minor',
  },
  {
    name: 'batch adjust without operator',
    decode: () => decodeCommand(command({ command: 'adjust', adjust: adjust({ operator: '' }) }), time, 'commands[2]'),
    field: 'commands[2].adjust.operator',
  },
  { name: 'hold points 0', decode: () => decodeHold(hold({ points: 0 })), field: 'points' },
  { name: 'hold points negative', decode: () => decodeHold(hold({ points: -500 })), field: 'points' },
  { name: 'hold ttl_seconds negative', decode: () => decodeHold(hold({ ttl_seconds: -1 })), field: 'ttl_seconds' },
  { name: 'hold ttl_seconds not an integer', decode: () => decodeHold(hold({ ttl_seconds: 1.5 })), field: 'ttl_seconds' },
  { name: 'hold without order_id', decode: () => decodeHold(hold({ order_id: '' })), field: 'order_id' },
  { name: 'hold order_amount_minor negative', decode: () => decodeHold(hold({ order_amount_minor: -1 })), field: 'order_amount_minor' },
  { name: 'hold without idempotency_key', decode: () => decodeHold(hold({ idempotency_key: '' })), field: 'idempotency_key' },
  { name: 'capture hold_id missing', decode: () => decodeCaptureHold(capture({ hold_id: '' })), field: 'hold_id' },
  {
    name: 'capture hold_id not of the form <tenant>:<member>:<seq>',
    decode: () => decodeCaptureHold(capture({ hold_id: 'hold-7' })),
    field: 'hold_id',
  },
  { name: 'capture hold_id with seq 0', decode: () => decodeCaptureHold(capture({ hold_id: 'acme:m-1:0' })), field: 'hold_id' },
  {
    name: 'capture hold_id with a seq of letters',
    decode: () => decodeCaptureHold(capture({ hold_id: 'acme:m-1:seven' })),
    field: 'hold_id',
  },
  { name: 'capture hold_id of another member', decode: () => decodeCaptureHold(capture({ hold_id: 'acme:m-2:7' })), field: 'hold_id' },
  {
    name: 'capture hold_id of a member whose id starts with this one’s (m-10 for m-1)',
    decode: () => decodeCaptureHold(capture({ hold_id: 'acme:m-10:7' })),
    field: 'hold_id',
  },
  {
    name: 'capture hold_id of the same member id in another tenant',
    decode: () => decodeCaptureHold(capture({ hold_id: 'other:m-1:7' })),
    field: 'hold_id',
  },
  { name: 'capture points negative', decode: () => decodeCaptureHold(capture({ points: -1 })), field: 'points' },
  { name: 'release hold_id missing', decode: () => decodeReleaseHold(release({ hold_id: '' })), field: 'hold_id' },
  { name: 'release hold_id of another member', decode: () => decodeReleaseHold(release({ hold_id: 'acme:m-2:7' })), field: 'hold_id' },
  { name: 'release without idempotency_key', decode: () => decodeReleaseHold(release({ idempotency_key: '' })), field: 'idempotency_key' },
  {
    name: 'quote order_amount_minor missing (0)',
    decode: () => decodeQuoteRedemption(quote({ order_amount_minor: 0 })),
    field: 'order_amount_minor',
  },
  {
    name: 'quote order_amount_minor negative',
    decode: () => decodeQuoteRedemption(quote({ order_amount_minor: -100 })),
    field: 'order_amount_minor',
  },
  { name: 'quote member_id missing', decode: () => decodeQuoteRedemption(quote({ member_id: '' })), field: 'member_id' },
  {
    name: 'batch hold with ttl_seconds negative',
    decode: () => decodeCommand(command({ command: 'hold', hold: hold({ ttl_seconds: -60 }) }), time, 'commands[4]'),
    field: 'commands[4].hold.ttl_seconds',
  },
  {
    name: 'batch capture of another member’s hold',
    decode: () => decodeCommand(command({ command: 'capture', capture: capture({ hold_id: 'acme:m-2:7' }) }), time, 'commands[0]'),
    field: 'commands[0].capture.hold_id',
  },
  {
    name: 'batch release with a malformed hold_id',
    decode: () => decodeCommand(command({ command: 'release', release: release({ hold_id: 'acme:m-1' }) }), time, 'commands[1]'),
    field: 'commands[1].release.hold_id',
  },
  {
    name: 'transfer kind unset (TRANSFER_KIND_UNSPECIFIED)',
    decode: () => decodeTransfer(transfer({ kind: 'TRANSFER_KIND_UNSPECIFIED' })),
    field: 'kind',
  },
  { name: 'transfer kind empty', decode: () => decodeTransfer(transfer({ kind: '' })), field: 'kind' },
  { name: 'transfer kind not a TransferKind name', decode: () => decodeTransfer(transfer({ kind: 'member' })), field: 'kind' },
  { name: 'transfer to_member_id missing for MEMBER', decode: () => decodeTransfer(transfer({ to_member_id: '' })), field: 'to_member_id' },
  {
    name: 'transfer to_member_id with a space for MEMBER',
    decode: () => decodeTransfer(transfer({ to_member_id: 'm 2' })),
    field: 'to_member_id',
  },
  {
    name: 'transfer to_member_id given for DONATION',
    decode: () => decodeTransfer(donation({ to_member_id: 'm-2' })),
    field: 'to_member_id',
  },
  {
    name: 'transfer to_member_id given for PARTNER',
    decode: () => decodeTransfer(conversion({ to_member_id: 'm-2' })),
    field: 'to_member_id',
  },
  { name: 'transfer to the sender itself', decode: () => decodeTransfer(transfer({ to_member_id: 'm-1' })), field: 'to_member_id' },
  { name: 'transfer points 0', decode: () => decodeTransfer(transfer({ points: 0 })), field: 'points' },
  { name: 'transfer points negative', decode: () => decodeTransfer(transfer({ points: -100 })), field: 'points' },
  { name: 'transfer points not an integer', decode: () => decodeTransfer(donation({ points: 1.5 })), field: 'points' },
  { name: 'transfer partner_id missing for PARTNER', decode: () => decodeTransfer(conversion({ partner_id: '' })), field: 'partner_id' },
  {
    name: 'transfer partner_reference missing for PARTNER',
    decode: () => decodeTransfer(conversion({ partner_reference: '' })),
    field: 'partner_reference',
  },
  { name: 'transfer reason of 257 characters', decode: () => decodeTransfer(transfer({ reason: 'r'.repeat(257) })), field: 'reason' },
  { name: 'transfer without idempotency_key', decode: () => decodeTransfer(transfer({ idempotency_key: '' })), field: 'idempotency_key' },
  {
    name: 'batch transfer with kind unset',
    decode: () =>
      decodeCommand(command({ command: 'transfer', transfer: transfer({ kind: 'TRANSFER_KIND_UNSPECIFIED' }) }), time, 'commands[2]'),
    field: 'commands[2].transfer.kind',
  },
  {
    name: 'batch transfer to the sender itself',
    decode: () => decodeCommand(command({ command: 'transfer', transfer: transfer({ to_member_id: 'm-1' }) }), time, 'commands[0]'),
    field: 'commands[0].transfer.to_member_id',
  },
  {
    name: 'batch donation naming a to_member_id',
    decode: () => decodeCommand(command({ command: 'transfer', transfer: donation({ to_member_id: 'm-2' }) }), time, 'commands[1]'),
    field: 'commands[1].transfer.to_member_id',
  },
  {
    name: 'batch transfer points 0',
    decode: () => decodeCommand(command({ command: 'transfer', transfer: transfer({ points: 0 }) }), time, 'commands[3]'),
    field: 'commands[3].transfer.points',
  },
  {
    name: 'batch conversion without partner_id',
    decode: () => decodeCommand(command({ command: 'transfer', transfer: conversion({ partner_id: '' }) }), time, 'commands[4]'),
    field: 'commands[4].transfer.partner_id',
  },
  {
    name: 'batch conversion without partner_reference',
    decode: () => decodeCommand(command({ command: 'transfer', transfer: conversion({ partner_reference: '' }) }), time, 'commands[5]'),
    field: 'commands[5].transfer.partner_reference',
  },
  {
    name: 'batch earn item quantity 0',
    decode: () => decodeCommand(command({ command: 'earn', earn: earn({ items: [{ ...item, quantity: 0 }] }) }), time, 'commands[1]'),
    field: 'commands[1].earn.items[0].quantity',
  },
];

describe('decode refuses an invalid request naming the field at fault', () => {
  it.each(rows)('$name → $field', ({ decode, field }) => {
    let thrown: unknown;
    try {
      decode();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RejectionError);
    const { rejection } = thrown as RejectionError;
    expect(rejection.kind).toBe('InvalidField');
    expect(rejection.field).toBe(field);
    expect(rejection.message.startsWith(`${field} `)).toBe(true);
  });
});

describe('decode accepts the valid requests the rows above are variations of', () => {
  it('earn at the edges: 2^53−1 fen, a 128-character key, occurred_at at both bounds', () => {
    const key = 'k'.repeat(128);
    expect(decodeEarn(earn({ amount_minor: MAX_SAFE, idempotency_key: key }), time)).toMatchObject({
      kind: 'earn',
      amountMinor: MAX_SAFE,
      idempotencyKey: key,
      occurredAt: NOW - 1_000,
    });
    expect(decodeEarn(earn({ occurred_at: timestampOf(NOW + time.maxFutureSkewMs) }), time).occurredAt).toBe(NOW + 60_000);
    expect(decodeEarn(earn({ occurred_at: timestampOf(NOW - time.maxLatenessMs) }), time).occurredAt).toBe(NOW - time.maxLatenessMs);
    expect(decodeEarn(earn({ occurred_at: null }), time).occurredAt).toBe(0);
  });

  it('redeem, reverse (amount 0 = the rest) and adjust (negative points)', () => {
    expect(decodeRedeem(redeem())).toMatchObject({ kind: 'redeem', points: 10 });
    expect(decodeReverse(reverse())).toMatchObject({ kind: 'reverse', amountMinor: 0 });
    expect(decodeAdjust(adjust({ points: -5 }))).toMatchObject({ kind: 'adjust', points: -5, operator: 'ops' });
  });

  it('list: page_size 0 means the default, 1000 is allowed, a returned token round-trips', () => {
    expect(decodeListEntries(listing())).toMatchObject({ afterSeq: 0, limit: 100 });
    expect(decodeListEntries(listing({ page_size: 1_000 })).limit).toBe(1_000);
    expect(decodeListEntries(listing({ page_token: pageTokenOf(42) })).afterSeq).toBe(42);
  });

  it('a batch of exactly 10000 commands passes the size check', () => {
    expect(() => decodeBatchSize(new Array(10_000).fill({}))).not.toThrow();
  });
});
